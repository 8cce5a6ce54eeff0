package io.berth.build.java;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.oci.ContainerConfig;
import io.berth.oci.ImageConfig;
import io.berth.oci.Json;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaLayeringTest {
  @TempDir Path tmp;

  private Path project() throws Exception {
    Path p = tmp.resolve("proj");
    Files.createDirectories(p.resolve("classes/com/example"));
    Files.writeString(p.resolve("classes/com/example/App.class"), "bytecode");
    Files.createDirectories(p.resolve("resources"));
    Files.writeString(p.resolve("resources/app.properties"), "a=1");
    Files.createDirectories(p.resolve("repo/a"));
    Files.createDirectories(p.resolve("repo/b"));
    Files.writeString(p.resolve("repo/a/util-1.0.jar"), "jar-a");
    Files.writeString(p.resolve("repo/b/util-1.0.jar"), "jar-b");
    Files.writeString(p.resolve("repo/a/snap-2.0-SNAPSHOT.jar"), "snap");
    return p;
  }

  private JavaProject javaProject(Path p) {
    return new JavaProject(p.resolve("classes"), p.resolve("resources"), List.of(
        new JavaProject.Dependency(p.resolve("repo/a/util-1.0.jar"), "org.a", false),
        new JavaProject.Dependency(p.resolve("repo/b/util-1.0.jar"), "org.b", false),
        new JavaProject.Dependency(p.resolve("repo/a/snap-2.0-SNAPSHOT.jar"), "org.a", true)), null);
  }

  @Test
  void layersGoFromLeastToMostOftenChangedAndKeepEqualJarNamesApart() throws Exception {
    List<JavaLayers.Layer> layers = JavaLayers.plan(javaProject(project()), "/app");
    assertThat(layers).extracting(JavaLayers.Layer::name)
        .containsExactly("dependencies", "snapshot-dependencies", "resources", "classes");
    assertThat(layers.getFirst().entries()).extracting(LayerEntry::target)
        .containsExactly("/app/libs/org.a-util-1.0.jar", "/app/libs/org.b-util-1.0.jar");
    assertThat(layers.get(3).entries()).extracting(LayerEntry::target).containsExactly("/app/classes/com/example/App.class");
    assertThat(JavaLayers.classpath("/app")).isEqualTo("/app/resources:/app/classes:/app/libs/*");
  }

  @Test
  void sameFilesGiveTheSameLayerWhateverTheirTimestamps() throws Exception {
    Path p = project();
    List<LayerEntry> entries = JavaLayers.plan(javaProject(p), "/app").get(3).entries();
    var first = ReproducibleLayerWriter.write(entries, tmp.resolve("1.tar.gz"));
    Files.setLastModifiedTime(p.resolve("classes/com/example/App.class"), FileTime.fromMillis(1_700_000_000_000L));
    var second = ReproducibleLayerWriter.write(entries, tmp.resolve("2.tar.gz"));
    assertThat(second.diffId()).isEqualTo(first.diffId());
    assertThat(second.digest()).isEqualTo(first.digest());
    Files.writeString(p.resolve("classes/com/example/App.class"), "changed");
    var third = ReproducibleLayerWriter.write(entries, tmp.resolve("3.tar.gz"));
    assertThat(third.diffId()).isNotEqualTo(first.diffId());

    List<TarArchiveEntry> tarEntries = new ArrayList<>();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(first.gzip()));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        tarEntries.add(e);
      }
    }
    assertThat(tarEntries).extracting(TarArchiveEntry::getName)
        .containsExactly("app/", "app/classes/", "app/classes/com/", "app/classes/com/example/",
            "app/classes/com/example/App.class");
    assertThat(tarEntries).allSatisfy(e -> {
      assertThat(e.getModTime().getTime()).isEqualTo(1000L);
      assertThat(e.getLongUserId()).isZero();
      assertThat(e.getLongGroupId()).isZero();
    });
    assertThat(tarEntries.getLast().getMode() & 0777).isEqualTo(0644);
    assertThat(tarEntries.getFirst().getMode() & 0777).isEqualTo(0755);
  }

  @Test
  void refusesTwoFilesAtOnePathAndDotDot() {
    assertThatThrownBy(() -> ReproducibleLayerWriter.write(List.of(LayerEntry.bytes(new byte[1], "/a", 0644),
        LayerEntry.bytes(new byte[2], "a", 0644)), tmp.resolve("x.tar.gz"))).hasMessageContaining("/a");
    assertThatThrownBy(() -> LayerEntry.bytes(new byte[0], "/app/../etc/passwd", 0644)).hasMessageContaining("..");
  }

  @Test
  void springBootJarIsExplodedByItsLayerIndex() throws Exception {
    Path jar = tmp.resolve("app.jar");
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "org.springframework.boot.loader.launch.JarLauncher");
    try (OutputStream f = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(f, mf)) {
      put(out, "BOOT-INF/layers.idx", """
          - "dependencies":
            - "BOOT-INF/lib/"
          - "spring-boot-loader":
            - "org/"
          - "snapshot-dependencies":
          - "application":
            - "BOOT-INF/classes/"
            - "BOOT-INF/layers.idx"
            - "META-INF/"
          """);
      put(out, "BOOT-INF/lib/spring-core.jar", "lib");
      put(out, "org/springframework/boot/loader/launch/JarLauncher.class", "loader");
      put(out, "BOOT-INF/classes/com/example/App.class", "app");
    }
    BootJarLayers.Plan plan = BootJarLayers.plan(jar, Files.createDirectories(tmp.resolve("x")), "/app");
    assertThat(plan.launcher()).isEqualTo("org.springframework.boot.loader.launch.JarLauncher");
    assertThat(plan.layers()).extracting(JavaLayers.Layer::name)
        .containsExactly("dependencies", "spring-boot-loader", "application");
    assertThat(plan.layers().get(2).entries()).extracting(LayerEntry::target).containsExactlyInAnyOrder(
        "/app/META-INF/MANIFEST.MF", "/app/BOOT-INF/layers.idx", "/app/BOOT-INF/classes/com/example/App.class");
    assertThatThrownBy(() -> BootJarLayers.parseIndex("dependencies\n")).hasMessageContaining("line 1");
  }

  @Test
  void plainJarIsNotTakenForABootJar() throws Exception {
    Path jar = tmp.resolve("plain.jar");
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "com.example.App");
    try (OutputStream f = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(f, mf)) {
      put(out, "com/example/App.class", "x");
    }
    assertThatThrownBy(() -> BootJarLayers.plan(jar, tmp, "/app")).hasMessageContaining("not a Spring Boot");
  }

  @Test
  void configKeepsTheBaseAndIsDeterministic() {
    ImageConfig base = new ImageConfig("2024-01-01T00:00:00Z", null, "amd64", "linux",
        new ContainerConfig(null, Map.of("9000/tcp", Map.of()), List.of("PATH=/usr/bin", "JAVA_HOME=/opt/java"), null,
            List.of("jshell"), null, null, Map.of("base", "yes"), null, null, null, null),
        new ImageConfig.RootFs("layers", List.of("sha256:aa")), List.of(new ImageConfig.History("x", "base", null, null, null)));
    ContainerSettings s = new ContainerSettings(null, null, List.of("-Xmx64m"), List.of(), List.of("8080"),
        Map.of("JAVA_HOME", "/jre", "APP", "1"), Map.of("app", "demo"), "1000");
    List<String> ep = JavaImageConfig.entrypoint(s, JavaLayers.classpath(s.appRoot()), "com.example.App");
    ImageConfig c = JavaImageConfig.derive(base, List.of("sha256:bb"), List.of("classes"), ep, s);
    assertThat(c.config().entrypoint()).containsExactly("java", "-Xmx64m", "-cp",
        "/app/resources:/app/classes:/app/libs/*", "com.example.App");
    assertThat(c.config().cmd()).isNull();
    assertThat(c.config().env()).containsExactly("PATH=/usr/bin", "JAVA_HOME=/jre", "APP=1");
    assertThat(c.config().exposedPorts()).containsOnlyKeys("8080/tcp", "9000/tcp");
    assertThat(c.config().labels()).containsEntry("base", "yes").containsEntry("app", "demo");
    assertThat(c.config().user()).isEqualTo("1000");
    assertThat(c.rootfs().diffIds()).containsExactly("sha256:aa", "sha256:bb");
    assertThat(c.history()).hasSize(2);
    assertThat(c.created()).isEqualTo(JavaImageConfig.EPOCH);
    byte[] one = Json.bytes(c);
    byte[] two = Json.bytes(JavaImageConfig.derive(base, List.of("sha256:bb"), List.of("classes"), ep, s));
    assertThat(two).isEqualTo(one);
  }

  private static void put(JarOutputStream out, String name, String content) throws Exception {
    out.putNextEntry(new JarEntry(name));
    out.write(content.getBytes(StandardCharsets.UTF_8));
    out.closeEntry();
  }
}
