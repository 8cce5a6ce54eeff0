package io.berth.build.java;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.oci.ImageConfig;
import io.berth.oci.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaImageBuilderTest {
  @TempDir Path tmp;

  /** Compiles a real main class so the main-class finder reads a real class file. */
  private Path compile(String body) throws Exception {
    Path src = tmp.resolve("src/demo/App.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, "package demo; public class App { " + body + " }");
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), src.toString());
    assertThat(rc).isZero();
    Files.writeString(classes.resolve("app.properties"), "greeting=hi");
    return classes;
  }

  private BuiltImage build(Path classes, BaseImage base) {
    JavaProject project = new JavaProject(classes, classes, List.of(), null);
    ContainerSettings s = new ContainerSettings(null, null, List.of(), List.of(), List.of("8080"), Map.of(), Map.of(), null);
    return new JavaImageBuilder(tmp.resolve("work")).build(project, s, base);
  }

  @Test
  void sameInputsGiveTheSameImageAndAChangeTouchesOnlyItsLayer() throws Exception {
    Path classes = compile("public static void main(String[] a) { System.out.println(\"v1\"); }");
    BuiltImage one = build(classes, BaseImage.scratch());
    BuiltImage two = build(classes, BaseImage.scratch());
    assertThat(two.id()).isEqualTo(one.id());
    assertThat(two.manifest()).isEqualTo(one.manifest());
    ImageConfig c = Json.read(one.config(), ImageConfig.class, "config");
    assertThat(c.config().entrypoint()).containsExactly("java", "-cp", "/app/resources:/app/classes:/app/libs/*",
        "demo.App");
    assertThat(one.layers()).hasSize(2); // resources, classes

    Path changed = compile("public static void main(String[] a) { System.out.println(\"v2\"); }");
    BuiltImage three = build(changed, BaseImage.scratch());
    assertThat(three.id()).isNotEqualTo(one.id());
    assertThat(three.layers().get(0).digest()).isEqualTo(one.layers().get(0).digest());
    assertThat(three.layers().get(1).digest()).isNotEqualTo(one.layers().get(1).digest());
  }

  @Test
  void aDockerArchiveReadsBackAsABaseWithTheSameLayers() throws Exception {
    BuiltImage image = build(compile("public static void main(String[] a) {}"), BaseImage.scratch());
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    DockerArchiveWriter.write(image, List.of("demo:1"), archive);
    BaseImage base = ArchiveBaseReader.read("tar://demo", new ByteArrayInputStream(archive.toByteArray()),
        tmp.resolve("cache"));
    assertThat(base.layers()).extracting(BlobSource::digest)
        .containsExactlyElementsOf(image.layers().stream().map(BlobSource::digest).toList());
    assertThat(base.layers()).extracting(BlobSource::diffId)
        .containsExactlyElementsOf(image.layers().stream().map(BlobSource::diffId).toList());
    // layered again on itself: the base layers stay first, in order
    BuiltImage on = build(tmp.resolve("classes"), base);
    assertThat(on.layers()).hasSize(4);
    assertThat(Json.read(on.config(), ImageConfig.class, "c").rootfs().diffIds()).hasSize(4);
  }

  @Test
  void archivesThatLieAreRefused() throws Exception {
    assertThatThrownBy(() -> ArchiveBaseReader.read("x", new ByteArrayInputStream(new byte[1024]), tmp.resolve("c")))
        .hasMessageContaining("manifest.json is missing");
  }

  @Test
  void aProjectWithoutOrWithSeveralMainsNeedsMainClass() throws Exception {
    Path classes = compile("public void run() {}");
    assertThatThrownBy(() -> MainClassFinder.find(classes)).hasMessageContaining("<mainClass>");
  }
}
