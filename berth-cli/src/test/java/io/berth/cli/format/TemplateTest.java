package io.berth.cli.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {
  private static final ObjectMapper M = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return M.readTree(s);
  }

  @Test
  void fieldsNestedFieldsAndText() throws Exception {
    JsonNode c = json("{\"Name\":\"/web\",\"State\":{\"Status\":\"running\",\"Pid\":42}}");
    assertThat(new Template("{{.Name}} is {{.State.Status}} ({{.State.Pid}})").render(c))
        .isEqualTo("/web is running (42)");
    assertThat(new Template("{{ .State.Status }}").render(c)).isEqualTo("running");
  }

  @Test
  void jsonOfWholeObjectAndField() throws Exception {
    JsonNode c = json("{\"Labels\":{\"a\":\"1\"},\"Cmd\":[\"sh\",\"-c\"]}");
    assertThat(new Template("{{json .}}").render(c)).isEqualTo("{\"Labels\":{\"a\":\"1\"},\"Cmd\":[\"sh\",\"-c\"]}");
    assertThat(new Template("{{json .Cmd}}").render(c)).isEqualTo("[\"sh\",\"-c\"]");
  }

  @Test
  void functions() throws Exception {
    JsonNode c = json("{\"Labels\":{\"tier\":\"web\"},\"Names\":[\"a\",\"b\"],\"S\":\"Up\"}");
    assertThat(new Template("{{index .Labels \"tier\"}}").render(c)).isEqualTo("web");
    assertThat(new Template("{{join .Names \",\"}}").render(c)).isEqualTo("a,b");
    assertThat(new Template("{{upper .S}}/{{lower .S}}").render(c)).isEqualTo("UP/up");
    assertThat(new Template("{{len .Names}}").render(c)).isEqualTo("2");
  }

  @Test
  void goPrintsListsAndMapsItsOwnWay() throws Exception {
    JsonNode c = json("{\"Cmd\":[\"sleep\",\"9\"],\"L\":{\"b\":\"2\",\"a\":\"1\"},\"N\":null}");
    assertThat(new Template("{{.Cmd}} {{.L}} {{.N}}").render(c)).isEqualTo("[sleep 9] map[a:1 b:2] <nil>");
  }

  @Test
  void tableHeaderUsesDockerColumnNames() {
    Template t = new Template("table {{.ID}}\\t{{.Names}}\\t{{.RunningFor}}\\t{{.CreatedAt}}");
    assertThat(t.isTable()).isTrue();
    assertThat(t.header()).isEqualTo("CONTAINER ID\tNAMES\tCREATED\tCREATED AT");
    assertThat(new Template("table {{.ID}}\t{{.Repository}}").header(Map.of("ID", "IMAGE ID")))
        .isEqualTo("IMAGE ID\tREPOSITORY");
  }

  @Test
  void rangeAndIfAsDockerUsersWriteThem() throws Exception {
    JsonNode c = json("""
        {"NetworkSettings": {"Networks": {"shop": {"IPAddress": "10.0.0.3"}, "bridge": {"IPAddress": "10.88.0.2"}}},
         "Config": {"Env": ["A=1", "B=2"], "Labels": {"z": "last", "a": "first"}}, "Mounts": [], "Name": "/web"}""");
    // maps go in key order, as Go ranges them
    assertThat(new Template("{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}").render(c))
        .isEqualTo("10.88.0.2 10.0.0.3 ");
    assertThat(new Template("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}").render(c)).isEqualTo("a=first;z=last;");
    assertThat(new Template("{{range $i, $e := .Config.Env}}{{$i}}:{{$e}} {{end}}").render(c)).isEqualTo("0:A=1 1:B=2 ");
    assertThat(new Template("{{range .Config.Env}}{{println .}}{{end}}").render(c)).isEqualTo("A=1\nB=2\n");
    assertThat(new Template("{{range .Mounts}}{{.Source}}{{else}}none{{end}}").render(c)).isEqualTo("none");
    // $ is the top value inside a range
    assertThat(new Template("{{range .Config.Env}}{{$.Name}}:{{.}} {{end}}").render(c)).isEqualTo("/web:A=1 /web:B=2 ");
    assertThat(new Template("{{if .Mounts}}mounts{{else}}no mounts{{end}} {{if .Name}}named{{end}}").render(c))
        .isEqualTo("no mounts named");
    assertThat(new Template("{{range .Config.Env}}{{if .}}[{{.}}]{{end}}{{end}}").render(c)).isEqualTo("[A=1][B=2]");
    assertThatThrownBy(() -> new Template("{{range .Config.Env}}x")).hasMessageContaining("without {{end}}");
    assertThatThrownBy(() -> new Template("x{{end}}")).hasMessageContaining("unexpected {{end}}");
    assertThatThrownBy(() -> new Template("{{$nope}}").render(c)).hasMessageContaining("undefined variable");
  }

  @Test
  void unknownFieldsAndFunctionsFail() throws Exception {
    JsonNode c = json("{\"Name\":\"x\"}");
    assertThatThrownBy(() -> new Template("{{.Nope}}").render(c)).hasMessageContaining("Nope");
    assertThatThrownBy(() -> new Template("{{frobnicate .Name}}").render(c)).hasMessageContaining("frobnicate");
    assertThatThrownBy(() -> new Template("{{.Name")).hasMessageContaining("unclosed");
  }
}
