package io.berth.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.Driver;
import io.berth.cluster.model.Mount;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.Platform;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.errdefs.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Docker's service templates, expanded on the node as swarmkit's agent expands them. */
class TaskTemplatesTest {
  private static final NodeDescription NODE = new NodeDescription("node2", new Platform("x86_64", "linux"), null, null);

  private static Task task(ContainerSpec spec) {
    return new Task("t1abc", null, null, null, TaskSpec.of(spec), "svc9", 3, "n2", null, null, null,
        new Task.ServiceAnnotations("web", Map.of("tier", "front", "app", "shop")), null);
  }

  @Test
  void hostnameEnvMountsAndAliasesTakeTheTaskServiceAndNode() {
    ContainerSpec spec = new ContainerSpec("busybox", null, null, null, "{{.Node.Hostname}}-{{.Task.Slot}}",
        List.of("WHO={{.Service.Name}} on {{.Node.ID}}", "TIER={{index .Service.Labels \"tier\"}}",
            "NONE={{index .Service.Labels \"absent\"}}", "PLAIN=a{b}", "ARCH={{ .Node.Platform.Architecture }}/{{.Node.Platform.OS}}",
            "TASK={{.Task.Name}} {{.Task.ID}} {{.Service.ID}}", "LABELS={{.Service.Labels}}", "BARE"),
        null, null,
        List.of(new Mount("volume", "data-{{.Task.Slot}}", "/data/{{.Service.Name}}", false, null,
            new Mount.VolumeOptions(false, Map.of("owner", "{{.Node.Hostname}}"), null,
                new Driver("local", Map.of("o", "{{.Task.ID}}"))), null)));
    TaskContainerSpec c = TaskContainerSpec.of(task(spec), "n2", NODE);
    JsonNode body = c.createBody();
    assertThat(body.path("Hostname").asText()).isEqualTo("node2-3");
    assertThat(body.path("Env").toString()).isEqualTo("[\"WHO=web on n2\",\"TIER=front\",\"NONE=\",\"PLAIN=a{b}\","
        + "\"ARCH=x86_64/linux\",\"TASK=web.3.t1abc t1abc svc9\",\"LABELS=map[app:shop tier:front]\",\"BARE\"]");
    Mount m = c.container().mounts().getFirst();
    assertThat(m.source()).isEqualTo("data-3");
    assertThat(m.target()).isEqualTo("/data/web");
    assertThat(m.volumeOptions().labels()).containsEntry("owner", "node2");
    assertThat(m.volumeOptions().driverConfig().options()).containsEntry("o", "t1abc");
  }

  @Test
  void anUnknownFieldOrActionFailsTheTaskNamingIt() {
    Task unknown = task(new ContainerSpec("busybox", null, null, null, "{{.Node.Name}}", null, null, null, null));
    assertThatThrownBy(() -> TaskContainerSpec.of(unknown, "n2", NODE))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("expanding hostname failed: template {{.Node.Name}}: can't evaluate field Name");
    Task piped = task(new ContainerSpec("busybox", null, null, null, null, List.of("X={{.Task.ID | printf \"%s\"}}"),
        null, null, null));
    assertThatThrownBy(() -> TaskContainerSpec.of(piped, "n2", NODE))
        .hasMessageStartingWith("expanding env X failed: template {{.Task.ID | printf \"%s\"}}: Berth's service templates take");
    Task open = task(new ContainerSpec("busybox", null, null, null, "a{{.Task.ID", null, null, null, null));
    assertThatThrownBy(() -> TaskContainerSpec.of(open, "n2", NODE)).hasMessageContaining("unclosed action");
  }
}
