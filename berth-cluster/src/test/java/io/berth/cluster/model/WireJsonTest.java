package io.berth.cluster.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The records read and write Docker's wire names (the Engine API's Service, Node and Task). */
class WireJsonTest {
  private static <T> T read(String json, Class<T> type) {
    return Json.read(json.getBytes(StandardCharsets.UTF_8), type, type.getSimpleName());
  }

  private static JsonNode tree(Object value) {
    return Json.MAPPER.valueToTree(value);
  }

  @Test
  void readsAServiceAsTheDockerCliSendsIt() {
    Service s = read("""
        {"ID":"svc1","Version":{"Index":7},"CreatedAt":"2016-06-07T20:31:11.853781916Z",
         "Spec":{"Name":"web","Labels":{"a":"b"},
          "TaskTemplate":{"ContainerSpec":{"Image":"busybox@sha256:abc","Command":["sleep"],"Args":["1d"],
             "Env":["A=1"],"Mounts":[{"Type":"volume","Source":"v","Target":"/data"}]},
           "Resources":{"Limits":{"NanoCPUs":1000000000,"MemoryBytes":104857600},
                        "Reservations":{"NanoCPUs":500000000,"MemoryBytes":52428800}},
           "RestartPolicy":{"Condition":"on-failure","Delay":10000000000,"MaxAttempts":3},
           "Placement":{"Constraints":["node.role==worker"],"MaxReplicas":2,
             "Preferences":[{"Spread":{"SpreadDescriptor":"node.labels.zone"}}],
             "Platforms":[{"Architecture":"amd64","OS":"linux"}]},
           "ForceUpdate":0},
          "Mode":{"Replicated":{"Replicas":3}},
          "EndpointSpec":{"Mode":"vip","Ports":[{"Protocol":"tcp","TargetPort":80,"PublishedPort":8080,"PublishMode":"host"}]}}}
        """, Service.class);
    assertThat(s.version().index()).isEqualTo(7);
    assertThat(s.createdAt()).isEqualTo(Instant.parse("2016-06-07T20:31:11.853781916Z"));
    TaskSpec t = s.spec().taskTemplate();
    assertThat(t.containerSpec().mounts()).containsExactly(new Mount("volume", "v", "/data", false));
    assertThat(t.resources().reserved()).isEqualTo(new Resources(500_000_000, 52_428_800));
    assertThat(t.restartPolicy().condition()).isEqualTo(RestartCondition.ON_FAILURE);
    assertThat(t.placement().preferences()).containsExactly(PlacementPreference.spread("node.labels.zone"));
    assertThat(t.placement().maxReplicas()).isEqualTo(2);
    assertThat(s.spec().mode().kind()).isEqualTo(ServiceMode.Kind.REPLICATED);
    assertThat(s.spec().endpointSpec().ports().getFirst().takesHostPort()).isTrue();

    JsonNode back = tree(s);
    assertThat(back.at("/Spec/Mode/Replicated/Replicas").asLong()).isEqualTo(3);
    assertThat(back.at("/Spec/TaskTemplate/Placement/Preferences/0/Spread/SpreadDescriptor").asText())
        .isEqualTo("node.labels.zone");
    assertThat(back.at("/Spec/TaskTemplate/Resources/Reservations/NanoCPUs").asLong()).isEqualTo(500_000_000);
    assertThat(back.at("/CreatedAt").asText()).isEqualTo("2016-06-07T20:31:11.853781916Z");
    assertThat(back.at("/Spec/Mode").has("Global")).isFalse();
    assertThat(read(back.toString(), Service.class)).isEqualTo(s);
  }

  @Test
  void writesNodesAndTasksWithDockersNames() {
    Node n = new Node("node1", new Version(3), null, null,
        new NodeSpec("n1", Map.of("zone", "a"), NodeRole.MANAGER, NodeAvailability.DRAIN),
        new NodeDescription("host1", new Platform("x86_64", "linux"), new Resources(2_000_000_000L, 1 << 30),
            new EngineDescription("28.0.0", Map.of("disk", "ssd"))),
        new NodeStatus(NodeState.READY, null, "10.0.0.1"));
    JsonNode j = tree(n);
    assertThat(j.at("/Spec/Role").asText()).isEqualTo("manager");
    assertThat(j.at("/Spec/Availability").asText()).isEqualTo("drain");
    assertThat(j.at("/Description/Engine/Labels/disk").asText()).isEqualTo("ssd");
    assertThat(j.at("/Description/Platform/OS").asText()).isEqualTo("linux");
    assertThat(j.at("/Status/State").asText()).isEqualTo("ready");
    assertThat(j.at("/Status/Addr").asText()).isEqualTo("10.0.0.1");
    assertThat(read(j.toString(), Node.class)).isEqualTo(n);
    assertThat(j.has("ManagerStatus")).isFalse();
    Node m = n.withManagerStatus(new ManagerStatus(false, ManagerStatus.Reachability.REACHABLE, "10.0.0.1:2377"));
    JsonNode mj = tree(m);
    assertThat(mj.at("/ManagerStatus/Reachability").asText()).isEqualTo("reachable");
    assertThat(mj.at("/ManagerStatus/Addr").asText()).isEqualTo("10.0.0.1:2377");
    assertThat(read(mj.toString(), Node.class)).isEqualTo(m);

    Task t = new Task("t1", null, null, null, TaskSpec.of(ContainerSpec.of("busybox")), "svc1", 2, "node1",
        new TaskStatus(Instant.EPOCH, TaskState.PENDING, "pending task scheduling",
            "no suitable node (insufficient resources on 1 node)"), TaskState.RUNNING,
        Endpoint.ofPorts(List.of(new PortConfig(null, null, 80, 8080, PublishMode.HOST))));
    JsonNode tj = tree(t);
    assertThat(tj.at("/ServiceID").asText()).isEqualTo("svc1");
    assertThat(tj.at("/NodeID").asText()).isEqualTo("node1");
    assertThat(tj.at("/Slot").asLong()).isEqualTo(2);
    assertThat(tj.at("/DesiredState").asText()).isEqualTo("running");
    assertThat(tj.at("/Status/State").asText()).isEqualTo("pending");
    assertThat(tj.at("/Status/Err").asText()).startsWith("no suitable node");
    assertThat(tj.at("/Status/Timestamp").asText()).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(read(tj.toString(), Task.class)).isEqualTo(t);
  }

  @Test
  void carriesWhatTheAgentNeedsUnderDockersAndSwarmkitsNames() {
    Task t = new Task("t1", null, null, null,
        TaskSpec.of(ContainerSpec.of("busybox").withStopGracePeriod(5_000_000_000L)
            .withPullOptions(new ContainerSpec.PullOptions("eyJ1c2VybmFtZSI6InUifQ=="))
            .withHealthcheck(new io.berth.oci.ContainerConfig.HealthConfig(List.of("CMD-SHELL", "true"),
                1_000_000_000L, null, null, null, 2))),
        "svc1", 1, "node1",
        new TaskStatus(Instant.EPOCH, TaskState.RUNNING, "started", null,
            new TaskStatus.ContainerStatus("abc123", 677, 0)), TaskState.RUNNING, null)
        .withServiceName("web");
    JsonNode j = tree(t);
    assertThat(j.at("/Status/ContainerStatus/ContainerID").asText()).isEqualTo("abc123");
    assertThat(j.at("/Status/ContainerStatus/PID").asInt()).isEqualTo(677);
    assertThat(j.at("/Status/ContainerStatus").has("ExitCode")).isTrue();
    assertThat(j.at("/Spec/ContainerSpec/StopGracePeriod").asLong()).isEqualTo(5_000_000_000L);
    assertThat(j.at("/Spec/ContainerSpec/PullOptions/RegistryAuth").asText()).isEqualTo("eyJ1c2VybmFtZSI6InUifQ==");
    assertThat(j.at("/ServiceAnnotations/Name").asText()).isEqualTo("web");
    assertThat(j.at("/Spec/ContainerSpec/Healthcheck/Test/0").asText()).isEqualTo("CMD-SHELL");
    assertThat(j.at("/Spec/ContainerSpec/Healthcheck/Interval").asLong()).isEqualTo(1_000_000_000L);
    assertThat(j.at("/Spec/ContainerSpec/Healthcheck/Retries").asInt()).isEqualTo(2);
    Task back = read(j.toString(), Task.class);
    assertThat(back).isEqualTo(t);
    assertThat(back.serviceName()).isEqualTo("web");
    assertThat(back.spec().containerSpec().registryAuth()).isEqualTo("eyJ1c2VybmFtZSI6InUifQ==");
    // a status move keeps the container; statuses written without one carry none
    assertThat(back.status().moveTo(TaskState.COMPLETE, "finished", null, Instant.EPOCH).containerStatus())
        .isEqualTo(new TaskStatus.ContainerStatus("abc123", 677, 0));
    assertThat(tree(new TaskStatus(Instant.EPOCH, TaskState.PENDING, "", null)).has("ContainerStatus")).isFalse();
    assertThat(tree(ContainerSpec.of("busybox")).has("PullOptions")).isFalse();
  }

  @Test
  void refusesMalformedObjectsByName() {
    assertThatThrownBy(() -> read("{\"Replicated\":{\"Replicas\":1},\"Global\":{}}", ServiceMode.class))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("exactly one of Replicated, Global, ReplicatedJob, GlobalJob");
    assertThatThrownBy(() -> read("{\"ID\":\"s\",\"Spec\":{\"Name\":\"x\",\"TaskTemplate\":{}}}", Service.class))
        .hasMessageContaining("TaskTemplate must have a ContainerSpec");
    assertThatThrownBy(() -> read("{\"ID\":\"s\",\"CreatedAt\":\"yesterday\",\"Spec\":{}}", Node.class))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("yesterday");
    assertThatThrownBy(() -> NodeAvailability.parse("sleep"))
        .hasMessage("invalid node availability 'sleep': expected one of [active, pause, drain]");
    assertThat(ServiceMode.ofGlobalJob().kind()).isEqualTo(ServiceMode.Kind.GLOBAL_JOB);
    assertThat(tree(ServiceMode.ofGlobal()).toString()).isEqualTo("{\"Global\":{}}");
  }
}
