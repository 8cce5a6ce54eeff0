package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * Testcontainers 1.21 against berthd, used as its users write tests: it finds the daemon from
 * DOCKER_HOST (berth-it's surefire configuration), accepts its version, starts containers, waits
 * for them, and copies files in and out. Ryuk is off because its image cannot be pulled here.
 */
class TestcontainersIT {
  private static final DockerImageName BUSYBOX = DockerImageName.parse(IMAGE);

  @BeforeAll
  static void daemon() {
    TestDaemon.ensure();
  }

  @Test
  void testcontainersTalksToBerthd() {
    assertThat(DockerClientFactory.instance().isDockerAvailable()).isTrue();
    assertThat(DockerClientFactory.instance().client().versionCmd().exec().getComponents())
        .anySatisfy(c -> assertThat(c.getName()).isEqualTo("Berth"));
  }

  @Test
  void genericContainerWithAnHttpWaitExecLogsAndCopies(@TempDir Path tmp) throws Exception {
    try (GenericContainer<?> web = new GenericContainer<>(BUSYBOX)
        .withCommand("sh", "-c", "mkdir -p /www && echo hello-tc > /www/index.html && echo web up && httpd -f -p 8080 -h /www")
        .withExposedPorts(8080)
        .withEnv("MODE", "test")
        .withCopyToContainer(Transferable.of("copied before start\n"), "/etc/tc-note.txt")
        .waitingFor(Wait.forHttp("/index.html").forStatusCode(200).withStartupTimeout(Duration.ofSeconds(60)))) {
      web.start();

      // the published port answers the test JVM, as a Spring Boot test calls its dependency
      URI uri = URI.create("http://" + web.getHost() + ":" + web.getMappedPort(8080) + "/index.html");
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo("hello-tc\n");

      ExecResult exec = web.execInContainer("sh", "-c", "cat /etc/tc-note.txt; echo $MODE; echo oops >&2; exit 2");
      assertThat(exec.getStdout()).isEqualTo("copied before start\ntest\n");
      assertThat(exec.getStderr()).isEqualTo("oops\n");
      assertThat(exec.getExitCode()).isEqualTo(2);
      assertThat(web.getLogs()).contains("web up");

      Path up = Files.writeString(tmp.resolve("up.txt"), "uploaded\n");
      web.copyFileToContainer(MountableFile.forHostPath(up), "/tmp/dir/up.txt");
      assertThat(web.execInContainer("cat", "/tmp/dir/up.txt").getStdout()).isEqualTo("uploaded\n");
      web.copyFileFromContainer("/www/index.html", tmp.resolve("down.html").toString());
      assertThat(Files.readString(tmp.resolve("down.html"))).isEqualTo("hello-tc\n");
      String fromStream = web.copyFileFromContainer("/etc/tc-note.txt", in -> new String(in.readAllBytes()));
      assertThat(fromStream).isEqualTo("copied before start\n");
    }
  }

  @Test
  void aLogMessageWaitAndANetworkWithAliases() throws Exception {
    try (Network net = Network.newNetwork();
        GenericContainer<?> backend = new GenericContainer<>(BUSYBOX)
            .withNetwork(net)
            .withNetworkAliases("backend", "api")
            .withCommand("sh", "-c", "mkdir -p /www && echo from-backend > /www/index.html && sleep 1"
                + " && echo 'backend started' && httpd -f -p 80 -h /www")
            .waitingFor(Wait.forLogMessage(".*backend started.*\\n", 1));
        GenericContainer<?> client = new GenericContainer<>(BUSYBOX)
            .withNetwork(net)
            .withCommand("sleep", "300")) {
      backend.start();
      client.start();
      for (String alias : new String[] {"backend", "api"}) {
        ExecResult r = client.execInContainer("wget", "-qO-", "http://" + alias + "/index.html");
        assertThat(r.getStdout()).as("GET http://%s/ over the test network", alias).isEqualTo("from-backend\n");
      }
    }
  }

  @Test
  void anImageFromADockerfileBuiltThroughTheApi() {
    ImageFromDockerfile image = new ImageFromDockerfile("it/tc-built", false)
        .withFileFromString("app.txt", "from the context\n")
        .withDockerfileFromBuilder(b -> b.from(IMAGE).workDir("/app").copy("app.txt", "./").cmd("cat", "app.txt").build());
    try (GenericContainer<?> c = new GenericContainer<>(image)
        .waitingFor(Wait.forLogMessage(".*from the context.*\\n", 1))) {
      c.start();
      assertThat(c.getLogs()).isEqualTo("from the context\n");
    }
  }

  @Test
  void aComposeFileRunByTheLocalDockerCompose(@TempDir Path tmp) throws Exception {
    // Testcontainers' compose module with the docker-compose 1.29 on the PATH (Debian's), offline:
    // no exposed services, so no ambassador image is needed
    Path compose = tmp.resolve("docker-compose.yml");
    Files.writeString(compose, """
        version: "3.8"
        services:
          web:
            image: %s
            command: ["sh", "-c", "mkdir -p /www && echo from-compose > /www/index.html && httpd -f -p 80 -h /www"]
          probe:
            image: %s
            command: ["sh", "-c", "sleep 300"]
        """.formatted(IMAGE, IMAGE));
    try (var env = new org.testcontainers.containers.DockerComposeContainer<>(compose.toFile())
        .withLocalCompose(true)
        .withPull(false)) {
      env.start();
      var probe = env.getContainerByServiceName("probe_1").orElseThrow();
      ExecResult r = null;
      for (int i = 0; i < 50; i++) {
        r = probe.execInContainer("wget", "-qO-", "http://web/index.html");
        if (r.getExitCode() == 0) {
          break;
        }
        Thread.sleep(200);
      }
      assertThat(r.getStdout()).isEqualTo("from-compose\n");
    }
  }
}
