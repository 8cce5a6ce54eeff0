package io.berth.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.Endpoint;
import io.berth.cluster.model.Mount;
import io.berth.cluster.model.PortConfig;
import io.berth.cluster.model.PortProtocol;
import io.berth.cluster.model.PublishMode;
import io.berth.cluster.model.ResourceRequirements;
import io.berth.cluster.model.Resources;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A task's container as Docker's swarm executor makes it: name, labels, command, limits, mounts. */
class TaskContainerSpecTest {
  private static Task task(ContainerSpec spec, ResourceRequirements resources, long slot) {
    return new Task("task1", null, null, null, TaskSpec.of(spec).withResources(resources), "svc1", slot, "node1",
        null, null, null).withServiceName("web");
  }

  @Test
  void namesAndLabelsTheContainerAsDockerDoes() {
    ContainerSpec spec = new ContainerSpec("busybox:1", Map.of("app", "shop", "com.docker.swarm.task.id", "forged"),
        null, null, null, null, null, null, null);
    TaskContainerSpec replicated = TaskContainerSpec.of(task(spec, null, 3), "node1");
    assertThat(replicated.name()).isEqualTo("web.3.task1");
    assertThat(replicated.labels()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "app", "shop",
        "com.docker.swarm.task", "",
        "com.docker.swarm.task.id", "task1", // the system labels win over the spec's
        "com.docker.swarm.task.name", "web.3.task1",
        "com.docker.swarm.node.id", "node1",
        "com.docker.swarm.service.id", "svc1",
        "com.docker.swarm.service.name", "web"));
    // a global service's task has no slot: the node names it
    assertThat(TaskContainerSpec.of(task(spec, null, 0), "node1").name()).isEqualTo("web.node1.task1");
  }

  @Test
  void commandReplacesTheEntrypointAndArgsTheCmd() {
    JsonNode both = body(new ContainerSpec("busybox", null, List.of("sh", "-c"), List.of("echo hi"), "h1",
        List.of("A=1"), "/work", "nobody", null));
    assertThat(both.get("Entrypoint").toString()).isEqualTo("[\"sh\",\"-c\"]");
    assertThat(both.get("Cmd").toString()).isEqualTo("[\"echo hi\"]");
    assertThat(both.get("Env").toString()).isEqualTo("[\"A=1\"]");
    assertThat(both.get("Hostname").asText()).isEqualTo("h1");
    assertThat(both.get("WorkingDir").asText()).isEqualTo("/work");
    assertThat(both.get("User").asText()).isEqualTo("nobody");

    JsonNode argsOnly = body(new ContainerSpec("busybox", null, null, List.of("-v"), null, null, null, null, null));
    assertThat(argsOnly.has("Entrypoint")).isFalse(); // the image's entrypoint stays
    assertThat(argsOnly.get("Cmd").toString()).isEqualTo("[\"-v\"]");

    JsonNode checked = body(ContainerSpec.of("busybox").withHealthcheck(
        new io.berth.oci.ContainerConfig.HealthConfig(List.of("CMD-SHELL", "test -f /ok"), 1_000_000_000L, null,
            null, null, 2)));
    assertThat(checked.get("Healthcheck").toString())
        .isEqualTo("{\"Test\":[\"CMD-SHELL\",\"test -f /ok\"],\"Interval\":1000000000,\"Retries\":2}");

    JsonNode neither = body(ContainerSpec.of("busybox"));
    assertThat(neither.has("Entrypoint") || neither.has("Cmd")).isFalse();
    assertThat(neither.has("Hostname")).isFalse(); // the container's short id, as any container
    assertThat(neither.has("Healthcheck")).isFalse(); // the image's, if it has one
  }

  @Test
  void swarmNetworksAtTheirAddressesWithTheServiceNameAndHostModePorts() {
    var front = network("net1", "front", false);
    var ingress = network("net0", "ingress", true);
    Task t = new Task("task1", null, null, null, TaskSpec.of(ContainerSpec.of("busybox"))
        .withNetworks(List.of(new io.berth.cluster.model.NetworkAttachmentConfig("net1", List.of("www"), null))),
        "svc1", 1, "node1", null, null, null).withServiceName("web")
        .allocated(List.of(new io.berth.cluster.model.NetworkAttachment(front, List.of("10.0.1.3/24")),
            new io.berth.cluster.model.NetworkAttachment(ingress, List.of("10.0.0.3/24"))),
            io.berth.cluster.model.Endpoint.ofPorts(List.of(
                new io.berth.cluster.model.PortConfig(null, io.berth.cluster.model.PortProtocol.TCP, 80, 8081,
                    io.berth.cluster.model.PublishMode.HOST),
                new io.berth.cluster.model.PortConfig(null, io.berth.cluster.model.PortProtocol.UDP, 53, 0,
                    io.berth.cluster.model.PublishMode.HOST),
                new io.berth.cluster.model.PortConfig(null, io.berth.cluster.model.PortProtocol.TCP, 81, 30000,
                    io.berth.cluster.model.PublishMode.INGRESS))), java.time.Instant.EPOCH);
    ObjectNode body = TaskContainerSpec.of(t, "node1").createBody();
    assertThat(body.at("/HostConfig/NetworkMode").asText()).as("the first network is the primary").isEqualTo("net1");
    assertThat(body.at("/NetworkingConfig/EndpointsConfig").toString()).isEqualTo(
        "{\"net1\":{\"IPAMConfig\":{\"IPv4Address\":\"10.0.1.3\"},\"Aliases\":[\"web\",\"www\"]},"
            + "\"net0\":{\"IPAMConfig\":{\"IPv4Address\":\"10.0.0.3\"},\"Aliases\":[]}}");
    assertThat(body.at("/HostConfig/PortBindings").toString()).as("host mode only: the mesh publishes ingress ports")
        .isEqualTo("{\"80/tcp\":[{\"HostPort\":\"8081\"}],\"53/udp\":[{\"HostPort\":\"\"}]}");

    JsonNode plain = body(ContainerSpec.of("busybox"));
    assertThat(plain.has("NetworkingConfig") || plain.at("/HostConfig").has("NetworkMode")
        || plain.at("/HostConfig").has("PortBindings")).as("no network: the engine's default bridge").isFalse();
  }

  private static io.berth.cluster.model.Network network(String id, String name, boolean ingress) {
    return new io.berth.cluster.model.Network(id, null, null, null, new io.berth.cluster.model.NetworkSpec(name, null,
        null, false, false, ingress, null, null), null, null);
  }

  @Test
  void limitsMountsAndNoRestartPolicy() {
    ContainerSpec spec = new ContainerSpec("busybox", null, null, null, null, null, null, null,
        List.of(new Mount("bind", "/srv", "/data", true), new Mount("volume", "cache", "/cache", false)));
    ResourceRequirements r = new ResourceRequirements(new Resources(1_500_000_000L, 64L << 20),
        new Resources(500_000_000L, 32L << 20));
    ObjectNode body = TaskContainerSpec.of(task(spec, r, 1), "node1").createBody();
    JsonNode hc = body.get("HostConfig");
    assertThat(hc.get("Memory").asLong()).isEqualTo(64L << 20);
    assertThat(hc.get("NanoCpus").asLong()).isEqualTo(1_500_000_000L);
    assertThat(hc.get("MemoryReservation").asLong()).isEqualTo(32L << 20);
    assertThat(hc.at("/RestartPolicy/Name").asText()).isEqualTo("no");
    assertThat(hc.has("NetworkMode")).isFalse(); // the engine's default network
    assertThat(hc.get("Mounts").toString()).isEqualTo(
        "[{\"Type\":\"bind\",\"Source\":\"/srv\",\"Target\":\"/data\",\"ReadOnly\":true},"
            + "{\"Type\":\"volume\",\"Source\":\"cache\",\"Target\":\"/cache\",\"ReadOnly\":false}]");
    assertThat(body.at("/Labels/com.docker.swarm.task.id").asText()).isEqualTo("task1");

    JsonNode none = TaskContainerSpec.of(task(ContainerSpec.of("busybox"), null, 1), "node1").createBody()
        .get("HostConfig");
    assertThat(none.has("Memory") || none.has("NanoCpus") || none.has("MemoryReservation")).isFalse();
  }

  @Test
  void hostModePortsArePublishedOnTheNodeAndIngressOnesLeftToTheMesh() {
    Task t = new Task("task1", null, null, null, TaskSpec.of(ContainerSpec.of("busybox")), "svc1", 1, "node1", null,
        null, Endpoint.ofPorts(List.of(
            new PortConfig(null, null, 80, 28611, PublishMode.HOST),
            new PortConfig(null, PortProtocol.UDP, 53, 0, PublishMode.HOST),
            new PortConfig(null, null, 81, 8080, PublishMode.INGRESS))));
    ObjectNode body = TaskContainerSpec.of(t, "node1").createBody();
    assertThat(body.get("ExposedPorts").toString()).isEqualTo("{\"80/tcp\":{},\"53/udp\":{}}");
    assertThat(body.at("/HostConfig/PortBindings").toString())
        .isEqualTo("{\"80/tcp\":[{\"HostPort\":\"28611\"}],\"53/udp\":[{\"HostPort\":\"\"}]}");
    assertThat(body(ContainerSpec.of("busybox")).has("ExposedPorts")).isFalse();
  }

  @Test
  void secretAndConfigFilesAreReadOnlyBindsAtDockersTargets() {
    ObjectNode body = TaskContainerSpec.of(task(ContainerSpec.of("busybox"), null, 1), "node1")
        .withFiles(List.of(new TaskFiles.Placed("/run/berth/task-files/task1/secret-0", TaskFiles.secretTarget("x")),
            new TaskFiles.Placed("/run/berth/task-files/task1/config-1", TaskFiles.configTarget("app.conf"))))
        .createBody();
    assertThat(body.path("HostConfig").path("Mounts").toString()).isEqualTo("[{\"Type\":\"bind\",\"Source\":"
        + "\"/run/berth/task-files/task1/secret-0\",\"Target\":\"/run/secrets/x\",\"ReadOnly\":true},"
        + "{\"Type\":\"bind\",\"Source\":\"/run/berth/task-files/task1/config-1\",\"Target\":\"/app.conf\","
        + "\"ReadOnly\":true}]");
    // absolute targets are taken as they are (Docker 1.47 on Linux)
    assertThat(TaskFiles.secretTarget("/etc/ssl/key.pem")).isEqualTo("/etc/ssl/key.pem");
    assertThat(TaskFiles.configTarget("/etc/app.conf")).isEqualTo("/etc/app.conf");
    assertThat(TaskFiles.permissions(0400)).containsExactly(java.nio.file.attribute.PosixFilePermission.OWNER_READ);
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(TaskFiles.permissions(0754)))
        .isEqualTo("rwxr-xr--");
  }

  /** What a compose file sets through {@code docker stack deploy} reaches the container as {@code docker run} would set it. */
  @Test
  void theEngineOptionsAndMountOptionsOfTheSpecReachTheContainer() {
    ContainerSpec spec = new ContainerSpec("busybox", null, null, null, null, null, null, null,
        List.of(new Mount("volume", "stk_data", "/data", false, null,
                new Mount.VolumeOptions(true, Map.of("com.docker.stack.namespace", "stk"), null, null), null),
            new Mount("bind", "/srv", "/srv", true, new Mount.BindOptions("rslave", false, false), null, null),
            new Mount("tmpfs", null, "/tmp", false, null, null, new Mount.TmpfsOptions(1 << 20, 0700))),
        null, null, null, true, true, true, "SIGINT", true, List.of("10.0.0.9 db.example db"),
        new ContainerSpec.DnsConfig(List.of("10.0.0.2"), List.of("example"), List.of("ndots:2")), List.of("audio"),
        List.of("CAP_NET_ADMIN"), List.of("CAP_MKNOD"), Map.of("net.core.somaxconn", "1024"),
        List.of(new ContainerSpec.Ulimit("nofile", 1024, 2048)), 100);
    JsonNode body = body(spec);
    assertThat(body.get("Tty").asBoolean()).isTrue();
    assertThat(body.get("OpenStdin").asBoolean()).isTrue();
    assertThat(body.get("StopSignal").asText()).isEqualTo("SIGINT");
    JsonNode hc = body.get("HostConfig");
    assertThat(hc.get("ReadonlyRootfs").asBoolean()).isTrue();
    assertThat(hc.get("Init").asBoolean()).isTrue();
    assertThat(hc.get("ExtraHosts").toString()).isEqualTo("[\"db.example:10.0.0.9\",\"db:10.0.0.9\"]");
    assertThat(hc.get("Dns").toString()).isEqualTo("[\"10.0.0.2\"]");
    assertThat(hc.get("DnsSearch").toString()).isEqualTo("[\"example\"]");
    assertThat(hc.get("DnsOptions").toString()).isEqualTo("[\"ndots:2\"]");
    assertThat(hc.get("GroupAdd").toString()).isEqualTo("[\"audio\"]");
    assertThat(hc.get("CapAdd").toString()).isEqualTo("[\"CAP_NET_ADMIN\"]");
    assertThat(hc.get("CapDrop").toString()).isEqualTo("[\"CAP_MKNOD\"]");
    assertThat(hc.get("Sysctls").toString()).isEqualTo("{\"net.core.somaxconn\":\"1024\"}");
    assertThat(hc.get("Ulimits").toString()).isEqualTo("[{\"Name\":\"nofile\",\"Soft\":1024,\"Hard\":2048}]");
    assertThat(hc.get("OomScoreAdj").asLong()).isEqualTo(100);
    assertThat(hc.get("Mounts").toString()).isEqualTo("[{\"Type\":\"volume\",\"Source\":\"stk_data\",\"Target\":\"/data\","
        + "\"ReadOnly\":false,\"VolumeOptions\":{\"NoCopy\":true,\"Labels\":{\"com.docker.stack.namespace\":\"stk\"}}},"
        + "{\"Type\":\"bind\",\"Source\":\"/srv\",\"Target\":\"/srv\",\"ReadOnly\":true,"
        + "\"BindOptions\":{\"Propagation\":\"rslave\"}},"
        + "{\"Type\":\"tmpfs\",\"Target\":\"/tmp\",\"ReadOnly\":false,\"TmpfsOptions\":{\"SizeBytes\":1048576,\"Mode\":448}}]");

    JsonNode plain = body(ContainerSpec.of("busybox"));
    assertThat(plain.has("Tty") || plain.has("StopSignal")).isFalse();
    assertThat(plain.get("HostConfig").has("ExtraHosts") || plain.get("HostConfig").has("Dns")
        || plain.get("HostConfig").has("Init") || plain.get("HostConfig").has("ReadonlyRootfs")).isFalse();
  }

  private static JsonNode body(ContainerSpec spec) {
    return TaskContainerSpec.of(task(spec, null, 1), "node1").createBody();
  }
}
