package io.berth.daemon.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.Task;
import io.berth.cluster.state.Snapshot;
import io.berth.daemon.records.RecordJson;
import io.berth.oci.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The swarm part of {@code /api/state}, from cluster objects as the store holds them. */
class ClusterViewTest {
  private static final String SPEC = "{\"ContainerSpec\":{\"Image\":\"web:1\"},"
      + "\"Resources\":{\"Reservations\":{\"NanoCPUs\":250000000,\"MemoryBytes\":67108864}}}";

  private static Node node(String id, String host) throws Exception {
    return Json.MAPPER.readValue("{\"ID\":\"" + id + "\",\"Spec\":{\"Role\":\"manager\",\"Availability\":\"active\","
        + "\"Labels\":{\"zone\":\"a\"}},\"Description\":{\"Hostname\":\"" + host + "\",\"Resources\":{\"NanoCPUs\":"
        + "2000000000,\"MemoryBytes\":1073741824}},\"Status\":{\"State\":\"ready\",\"Addr\":\"10.0.0.1\"},"
        + "\"ManagerStatus\":{\"Leader\":true,\"Reachability\":\"reachable\",\"Addr\":\"10.0.0.1:2377\"}}", Node.class);
  }

  private static Service service(String id, String name, int replicas) throws Exception {
    return Json.MAPPER.readValue("{\"ID\":\"" + id + "\",\"Spec\":{\"Name\":\"" + name + "\",\"TaskTemplate\":" + SPEC
        + ",\"Mode\":{\"Replicated\":{\"Replicas\":" + replicas + "}},\"EndpointSpec\":{\"Ports\":[{\"Protocol\":"
        + "\"tcp\",\"TargetPort\":80,\"PublishedPort\":8080,\"PublishMode\":\"ingress\"}]}}}", Service.class);
  }

  private static Task task(String id, String service, int slot, String desired, String state, String at)
      throws Exception {
    return Json.MAPPER.readValue("{\"ID\":\"" + id + "\",\"ServiceID\":\"" + service + "\",\"Slot\":" + slot
        + ",\"NodeID\":\"n1\",\"Spec\":" + SPEC + ",\"DesiredState\":\"" + desired + "\",\"Status\":{\"Timestamp\":\""
        + at + "\",\"State\":\"" + state + "\",\"Message\":\"" + state + "\",\"ContainerStatus\":{\"ContainerID\":\"c-"
        + id + "\"}}}", Task.class);
  }

  @Test
  void theMapGetsTheLiveTasksAndTheNewestEndedOnePerSlot() throws Exception {
    List<Task> tasks = List.of(
        task("t1", "s1", 1, "running", "running", "2026-01-01T00:03:00Z"),
        task("t1-old", "s1", 1, "shutdown", "failed", "2026-01-01T00:02:00Z"),
        task("t1-older", "s1", 1, "shutdown", "shutdown", "2026-01-01T00:01:00Z"),
        task("t2", "s1", 2, "running", "running", "2026-01-01T00:03:00Z"));
    assertThat(ClusterView.shown(tasks)).extracting(Task::id).containsExactlyInAnyOrder("t1", "t1-old", "t2");
  }

  @Test
  void nodesServicesAndTasksInTheContractsFields() throws Exception {
    List<Task> tasks = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      tasks.add(task("t" + i, "s1", i, "running", i == 3 ? "pending" : "running", "2026-01-01T00:03:00Z"));
    }
    tasks.add(task("old", "s1", 1, "shutdown", "shutdown", "2026-01-01T00:01:00Z"));
    ObjectNode out = RecordJson.object();
    ClusterView.write(new Snapshot(7, Optional.empty(), List.of(node("n1", "vm1")), List.of(service("s1", "web", 3)),
        tasks, List.of()), out);

    JsonNode n = out.path("nodes").get(0);
    assertThat(n.path("Hostname").asText()).isEqualTo("vm1");
    assertThat(n.path("Role").asText()).isEqualTo("manager");
    assertThat(n.path("State").asText()).isEqualTo("ready");
    assertThat(n.path("Leader").asBoolean()).isTrue();
    assertThat(n.path("Labels").path("zone").asText()).isEqualTo("a");
    assertThat(n.path("NanoCPUs").asLong()).isEqualTo(2_000_000_000L);
    // three tasks meant to run reserve a quarter CPU and 64 MiB each; the ended one nothing
    assertThat(n.path("ReservedNanoCPUs").asLong()).isEqualTo(750_000_000L);
    assertThat(n.path("ReservedMemoryBytes").asLong()).isEqualTo(3 * 67108864L);

    JsonNode s = out.path("services").get(0);
    assertThat(s.path("Mode").asText()).isEqualTo("replicated");
    assertThat(s.path("Replicas").asInt()).isEqualTo(3);
    assertThat(s.path("Running").asInt()).isEqualTo(2);
    assertThat(s.path("Image").asText()).isEqualTo("web:1");
    assertThat(s.path("Ports").get(0).path("Published").asInt()).isEqualTo(8080);
    assertThat(s.path("UpdateStatus").isNull()).isTrue();

    assertThat(out.path("tasks")).hasSize(4);
    JsonNode t = out.path("tasks").get(0);
    assertThat(t.path("ServiceID").asText()).isEqualTo("s1");
    assertThat(t.path("NodeID").asText()).isEqualTo("n1");
    assertThat(t.path("ContainerID").asText()).startsWith("c-");
    assertThat(t.path("Image").asText()).isEqualTo("web:1");
  }

  @Test
  void aRollingUpdateShowsItsProgressAsTasksOnTheNewSpecOverTheDesired() throws Exception {
    Service updating = Json.MAPPER.readValue("{\"ID\":\"s1\",\"Spec\":{\"Name\":\"web\",\"TaskTemplate\":"
        + "{\"ContainerSpec\":{\"Image\":\"web:2\"}},\"Mode\":{\"Replicated\":{\"Replicas\":3}}},"
        + "\"UpdateStatus\":{\"State\":\"updating\",\"StartedAt\":\"2026-01-01T00:00:00Z\","
        + "\"Message\":\"update in progress\"}}", Service.class);
    Task onNew = Json.MAPPER.readValue("{\"ID\":\"t-new\",\"ServiceID\":\"s1\",\"Slot\":1,\"NodeID\":\"n1\","
        + "\"Spec\":{\"ContainerSpec\":{\"Image\":\"web:2\"}},\"DesiredState\":\"running\",\"Status\":"
        + "{\"State\":\"running\"}}", Task.class);
    List<Task> tasks = List.of(onNew, task("t2", "s1", 2, "running", "running", "2026-01-01T00:00:00Z"),
        task("t3", "s1", 3, "running", "running", "2026-01-01T00:00:00Z"));
    ObjectNode out = RecordJson.object();
    ClusterView.write(new Snapshot(1, Optional.empty(), List.of(), List.of(updating), tasks, List.of()), out);
    JsonNode s = out.path("services").get(0);
    assertThat(s.path("UpdateStatus").path("State").asText()).isEqualTo("updating");
    assertThat(s.path("UpdateStatus").path("StartedAt").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(s.path("UpdateProgress").path("Updated").asInt()).isEqualTo(1);
    assertThat(s.path("UpdateProgress").path("Total").asInt()).isEqualTo(3);
  }
}
