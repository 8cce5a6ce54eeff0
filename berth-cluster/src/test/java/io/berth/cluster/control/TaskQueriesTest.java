package io.berth.cluster.control;

import static io.berth.cluster.control.ServiceSpecReaderTest.PLAIN;
import static io.berth.cluster.control.ServiceSpecReaderTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceSpec;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.cluster.state.ClusterState;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The task list answers the filters the docker CLI sends, including its convergence filter. */
class TaskQueriesTest {
  private final Instant at = Instant.parse("2026-12-06T10:00:00Z");
  private final ClusterState state = new ClusterState(new MemoryClusterStore());
  private final Clock clock = Clock.fixed(at, ZoneOffset.UTC);

  @Test
  void upToDateKeepsOnlyTasksOfTheServicesCurrentSpec() {
    ServiceSpec spec = ServiceSpecReader.read(json(PLAIN), () -> "x");
    Service web = new ServiceControl(state, clock).create(spec, null);
    TaskSpec old = TaskSpec.of(ContainerSpec.of("old:1"));
    state.batch()
        .create(new Task("current", null, at, at, web.spec().taskTemplate(), web.id(), 1, "", null, null, null))
        .create(new Task("stale", null, at, at, old, web.id(), 2, "", null, null, null))
        .apply();
    TaskQueries tasks = new TaskQueries(state, clock);

    assertThat(tasks.list(new Filters(Map.of("service", List.of("web")))))
        .extracting(Task::id).containsExactlyInAnyOrder("current", "stale");
    assertThat(tasks.list(new Filters(Map.of("service", List.of("web"), "_up-to-date", List.of("true")))))
        .extracting(Task::id).containsExactly("current");
  }
}
