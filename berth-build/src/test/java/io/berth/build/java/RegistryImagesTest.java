package io.berth.build.java;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.distribution.RegistryTransport;
import io.berth.oci.Digest;
import io.berth.oci.Reference;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes built images to Debian's docker-registry (the CNCF distribution registry, a real peer)
 * and reads them back as bases: only missing blobs move, base layers are mounted across
 * repositories.
 */
class RegistryImagesTest {
  @TempDir static Path tmp;
  private static Process registry;
  private static String domain;

  @BeforeAll
  static void start() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    domain = "127.0.0.1:" + port;
    Path config = tmp.resolve("config.yml");
    Files.writeString(config, "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: " + tmp.resolve("data")
        + "\nhttp:\n  addr: " + domain + "\n");
    registry = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("registry.log").toFile()).start();
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 100; i++) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create("http://" + domain + "/v2/")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("docker-registry did not start: " + Files.readString(tmp.resolve("registry.log")));
  }

  @AfterAll
  static void stop() {
    registry.destroy();
  }

  private BuiltImage build(String message, BaseImage base, String work) throws Exception {
    Path src = tmp.resolve(work + "/src/demo/App.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, "package demo; public class App { public static void main(String[] a) { System.out.println(\""
        + message + "\"); } }");
    Path classes = Files.createDirectories(tmp.resolve(work + "/classes"));
    assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), src.toString()))
        .isZero();
    return new JavaImageBuilder(tmp.resolve(work + "/out")).build(new JavaProject(classes, classes, List.of(), null),
        new ContainerSettings(null, null, null, null, null, Map.of(), Map.of(), null), base);
  }

  @Test
  void pushesOnlyWhatIsMissingAndMountsBaseLayers() throws Exception {
    RegistryImages registries = new RegistryImages(RegistryTransport::new);
    BuiltImage base = build("base", BaseImage.scratch(), "base");
    List<String> statuses = new ArrayList<>();
    Digest baseDigest = registries.push(base, Reference.parse(domain + "/lib/base:1"), List.of("1"),
        (d, s) -> statuses.add(s));
    assertThat(statuses).containsOnly("Pushed");
    assertThat(baseDigest).isEqualTo(Digest.sha256(base.manifest()));

    statuses.clear();
    registries.push(base, Reference.parse(domain + "/lib/base:1"), List.of("1", "again"), (d, s) -> statuses.add(s));
    assertThat(statuses).containsOnly("Layer already exists");

    BaseImage remote = registries.base(Reference.parse(domain + "/lib/base:again"), tmp.resolve("cache"));
    assertThat(remote.layers()).extracting(BlobSource::digest)
        .containsExactlyElementsOf(base.layers().stream().map(BlobSource::digest).toList());
    BuiltImage app = build("app", remote, "app");
    statuses.clear();
    registries.push(app, Reference.parse(domain + "/team/app:1"), List.of("1"), (d, s) -> statuses.add(s));
    // one base layer (the base's classes), then the app's own classes layer
    assertThat(statuses).containsExactly("Mounted from lib/base", "Pushed");
    // the remote base layers were never downloaded: mounting needs no bytes
    assertThat(tmp.resolve("cache")).satisfiesAnyOf(p -> assertThat(Files.exists(p)).isFalse(),
        p -> assertThat(Files.list(p)).isEmpty());
  }
}
