package io.berth.cli.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.format.Table;
import io.berth.cli.format.Template;
import io.berth.cli.session.Cli;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth lab ls}: the lab's nodes, as a docker-like table or through a Go template. */
@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, description = "List a lab's nodes")
final class LabLs extends LabOptions {
  static final String DEFAULT_FORMAT = "table {{.Name}}\t{{.Role}}\t{{.Address}}\t{{.DockerHost}}\t{{.State}}";
  private static final Map<String, String> HEADERS = Map.of("DockerHost", "DOCKER HOST");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--format", paramLabel = "string", description = "Format output using a Go template, or json")
  String format;

  LabLs(Cli cli) {
    super(cli);
  }

  @Override
  public Integer call() {
    LabPaths paths = paths();
    print(paths, paths.state(), format);
    return 0;
  }

  void print(LabPaths paths, LabState lab, String fmt) {
    String f = fmt == null || fmt.isEmpty() ? DEFAULT_FORMAT : fmt;
    Template t = f.equals("json") ? null : new Template(f);
    Table table = new Table();
    if (t != null && t.isTable()) {
      table.row(t.header(HEADERS));
    }
    for (LabState.Node node : lab.nodes()) {
      ObjectNode row = view(paths, lab, node);
      if (t == null) {
        cli.out.println(row);
      } else if (t.isTable()) {
        table.row(t.render(row));
      } else {
        cli.out.println(t.render(row));
      }
    }
    if (t != null && t.isTable()) {
      table.print(cli.out);
    }
  }

  private static ObjectNode view(LabPaths paths, LabState lab, LabState.Node node) {
    NodeDaemon daemon = new NodeDaemon(paths, lab, node);
    String state = !daemon.alive() ? "down" : daemon.answers() ? "running" : "unresponsive";
    ObjectNode o = JSON.createObjectNode();
    o.put("Name", node.name());
    boolean up = state.equals("running");
    o.put("Role", up ? LabSwarm.role(paths, node) : "-");
    o.put("Address", node.address());
    o.put("DockerHost", paths.dockerHost(node.name()));
    o.put("State", state);
    o.put("Pid", daemon.alive() ? daemon.pid() : 0);
    o.put("Connected", LabNetwork.connected(lab, node));
    return o;
  }
}
