package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-java (the Engine API client under Testcontainers and many Java tools) against berthd,
 * configured as its users configure it: a docker host URI and the zerodep transport.
 */
class DockerJavaIT {
  private static DockerClient client;

  @BeforeAll
  static void connect() {
    TestDaemon.ensure();
    var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(TestDaemon.HOST).build();
    var http = new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build();
    client = DockerClientImpl.getInstance(config, http);
  }

  @AfterAll
  static void close() throws IOException {
    for (String n : List.of("dj-app", "dj-exec")) {
      docker("rm", "-f", n);
    }
    docker("network", "rm", "dj-net");
    client.close();
  }

  @Test
  void versionIsADockerReleaseAndBerthSaysWhoItIs() {
    client.pingCmd().exec();
    Version v = client.versionCmd().exec();
    assertThat(v.getApiVersion()).isEqualTo("1.47");
    // clients compare the engine version with Docker's releases (Testcontainers wants >= 1.6.0)
    assertThat(v.getVersion()).matches("2[0-9]\\.\\d+\\.\\d+");
    assertThat(v.getComponents()).anySatisfy(c -> {
      assertThat(c.getName()).isEqualTo("Berth");
      assertThat(c.getVersion()).isEqualTo("0.1.0");
    });
    assertThat(client.infoCmd().exec().getServerVersion()).isEqualTo(v.getVersion());
  }

  @Test
  void containerLifecycleLogsExecAndWait() throws Exception {
    CreateContainerResponse created = client.createContainerCmd(IMAGE)
        .withName("dj-app")
        .withEnv("GREETING=hello from docker-java")
        .withLabels(java.util.Map.of("it", "docker-java"))
        .withCmd("sh", "-c", "echo $GREETING; echo to-stderr >&2; sleep 30")
        .withHostConfig(HostConfig.newHostConfig().withMemory(64L << 20))
        .exec();
    client.startContainerCmd(created.getId()).exec();
    InspectContainerResponse inspect = client.inspectContainerCmd("dj-app").exec();
    assertThat(inspect.getState().getRunning()).isTrue();
    assertThat(inspect.getHostConfig().getMemory()).isEqualTo(64L << 20);
    assertThat(inspect.getConfig().getLabels()).containsEntry("it", "docker-java");

    assertThat(logs("dj-app")).contains("hello from docker-java").contains("to-stderr");

    String exec = client.execCreateCmd("dj-app").withCmd("sh", "-c", "echo exec:$GREETING; exit 4")
        .withAttachStdout(true).withAttachStderr(true).exec().getId();
    StringBuilder out = new StringBuilder();
    client.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>() {
      @Override
      public void onNext(Frame f) {
        out.append(new String(f.getPayload()));
      }
    }).awaitCompletion(30, TimeUnit.SECONDS);
    assertThat(out.toString()).isEqualTo("exec:hello from docker-java\n");
    assertThat(client.inspectExecCmd(exec).exec().getExitCodeLong()).isEqualTo(4L);

    client.killContainerCmd("dj-app").withSignal("KILL").exec();
    int code = client.waitContainerCmd("dj-app").start().awaitStatusCode(30, TimeUnit.SECONDS);
    assertThat(code).isEqualTo(137);
    client.removeContainerCmd("dj-app").exec();
    assertThatThrownBy(() -> client.inspectContainerCmd("dj-app").exec()).isInstanceOf(NotFoundException.class);
  }

  @Test
  void buildsAnImageAndConnectsANetwork() throws Exception {
    Path ctx = Files.createTempDirectory("dj-build");
    Files.writeString(ctx.resolve("app.txt"), "built by docker-java\n");
    Files.writeString(ctx.resolve("Dockerfile"), "FROM " + IMAGE + "\nWORKDIR /app\nCOPY . .\nCMD cat /app/app.txt\n");
    String id = client.buildImageCmd(ctx.toFile()).withTags(java.util.Set.of("it/dj-built:1")).start()
        .awaitImageId(120, TimeUnit.SECONDS);
    // docker-java keeps the short id of "Successfully built", as it does against dockerd
    assertThat(client.inspectImageCmd("it/dj-built:1").exec().getId()).startsWith("sha256:" + id);

    String net = client.createNetworkCmd().withName("dj-net").exec().getId();
    String c = client.createContainerCmd("it/dj-built:1").withName("dj-exec").withCmd("sleep", "30").exec().getId();
    client.connectToNetworkCmd().withNetworkId(net).withContainerId(c).exec();
    client.startContainerCmd(c).exec();
    assertThat(client.inspectContainerCmd(c).exec().getNetworkSettings().getNetworks()).containsKey("dj-net");
    client.removeContainerCmd(c).withForce(true).exec();
    client.removeNetworkCmd(net).exec();
  }

  private static String logs(String container) throws InterruptedException {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 50 && !out.toString().contains("to-stderr"); i++) {
      out.setLength(0);
      client.logContainerCmd(container).withStdOut(true).withStdErr(true).exec(new ResultCallback.Adapter<Frame>() {
        @Override
        public void onNext(Frame f) {
          out.append(new String(f.getPayload()));
        }
      }).awaitCompletion(10, TimeUnit.SECONDS);
      Thread.sleep(100);
    }
    return out.toString();
  }
}
