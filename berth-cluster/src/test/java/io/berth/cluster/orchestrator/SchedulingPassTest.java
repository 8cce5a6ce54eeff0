package io.berth.cluster.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import org.junit.jupiter.api.Test;

/** The scheduling pass: placements in one batch, Docker's explanation for what no node takes, written once. */
class SchedulingPassTest {
  private final TestCluster c = new TestCluster();

  @Test
  void anUnplaceableTaskStaysPendingWithTheExplanationWrittenOnlyWhenItChanges() {
    c.addNode("n1");
    c.addNode("n2");
    c.addNode("n3");
    c.setAvailability("n3", NodeAvailability.DRAIN);
    c.createService("db", ServiceMode.ofReplicated(1), TestCluster.constrained("node.labels.disk==ssd"));
    c.orchestrate();

    c.schedule();
    Task t = c.tasks().getFirst();
    assertThat(t.status().state()).isEqualTo(TaskState.PENDING);
    assertThat(t.status().err()).isEqualTo(
        "no suitable node (scheduling constraints not satisfied on 2 nodes; 1 node not available for new tasks)");
    assertThat(c.schedule().isEmpty()).as("the same explanation is not written again").isTrue();

    c.setNodeState("n2", NodeState.DOWN);
    assertThat(c.schedule().updates()).singleElement().satisfies(u -> assertThat(u.status().err()).isEqualTo(
        "no suitable node (2 nodes not available for new tasks; scheduling constraints not satisfied on 1 node)"));
  }

  @Test
  void placementsAndFailuresAreTalliedForMetricsOncePerNewReason() {
    c.addNode("n1");
    c.createService("web", ServiceMode.ofReplicated(2));
    c.createService("db", ServiceMode.ofReplicated(1), TestCluster.constrained("node.labels.disk==ssd"));
    c.orchestrate();
    c.allocate(); // pending from now
    c.advance(3); // the tasks wait 3 s before a scheduler pass comes
    c.schedule();
    c.schedule();
    assertThat(c.tallies.scheduled().count()).isEqualTo(2);
    assertThat(c.tallies.scheduled().seconds()).isEqualTo(6.0);
    assertThat(c.tallies.unschedulable()).containsExactly(java.util.Map.entry("constraints", 1L));
  }

  @Test
  void tasksDesiredToStopAreNotPlaced() {
    c.addNode("n1");
    c.createService("web", ServiceMode.ofReplicated(1));
    c.orchestrate();
    c.removeService("web");
    c.orchestrate();
    assertThat(c.schedule().isEmpty()).isTrue();
    assertThat(c.tasks().getFirst().nodeId()).isEmpty();
  }

  @Test
  void aDependentServiceWaitsPendingUntilItsDependencyRunsAndAgainAfterItFails() {
    c.addNode("n1");
    c.createService("db", ServiceMode.ofReplicated(1));
    c.createService("web", ServiceMode.ofReplicated(2), TestCluster.template(io.berth.cluster.model.RestartPolicy.DEFAULT),
        java.util.Map.of(io.berth.cluster.model.ServiceDependencies.LABEL, "svc-db:service_healthy"));
    c.orchestrate();
    c.schedule();
    Task db = c.tasks().stream().filter(t -> t.serviceId().equals("db")).findFirst().orElseThrow();
    assertThat(db.status().state()).isEqualTo(TaskState.ASSIGNED);
    assertThat(webTasks()).allSatisfy(t -> {
      assertThat(t.status().state()).isEqualTo(TaskState.PENDING);
      assertThat(t.status().err()).isEqualTo("waiting for dependency svc-db (service_healthy)");
    });
    assertThat(c.schedule().isEmpty()).as("the reason is not written again").isTrue();

    c.report(db.id(), TaskState.STARTING); // started, not yet healthy: not enough for service_healthy
    c.schedule();
    assertThat(webTasks()).allSatisfy(t -> assertThat(t.status().state()).isEqualTo(TaskState.PENDING));

    c.report(db.id(), TaskState.RUNNING);
    c.schedule();
    assertThat(webTasks()).allSatisfy(t -> assertThat(t.status().state()).isEqualTo(TaskState.ASSIGNED));

    // the dependency fails and a web task too: web's replacement waits again until db runs
    c.report(db.id(), TaskState.FAILED);
    Task web1 = webTasks().getFirst();
    c.report(web1.id(), TaskState.FAILED);
    c.orchestrate();
    c.advance(10); // past the restart delay
    c.orchestrate();
    c.schedule();
    Task replacement = webTasks().stream().filter(t -> t.slot() == web1.slot() && !t.id().equals(web1.id()))
        .findFirst().orElseThrow();
    assertThat(replacement.status().state()).isEqualTo(TaskState.PENDING);
    assertThat(replacement.status().err()).isEqualTo("waiting for dependency svc-db (service_healthy)");
    Task db2 = c.tasks().stream().filter(t -> t.serviceId().equals("db") && !t.id().equals(db.id())).findFirst()
        .orElseThrow();
    c.report(db2.id(), TaskState.RUNNING);
    c.schedule();
    assertThat(c.tasks().stream().filter(t -> t.id().equals(replacement.id())).findFirst().orElseThrow().status().state())
        .isEqualTo(TaskState.ASSIGNED);
  }

  @Test
  void serviceStartedIsTheDefaultAndAMissingDependencyIsNamed() {
    c.addNode("n1");
    c.createService("web", ServiceMode.ofReplicated(1), TestCluster.template(io.berth.cluster.model.RestartPolicy.DEFAULT),
        java.util.Map.of(io.berth.cluster.model.ServiceDependencies.LABEL, "svc-db"));
    c.orchestrate();
    c.schedule();
    assertThat(webTasks().getFirst().status().err()).isEqualTo("waiting for dependency svc-db (service_started): no such service");

    c.createService("db", ServiceMode.ofReplicated(1));
    c.orchestrate();
    c.schedule();
    Task db = c.tasks().stream().filter(t -> t.serviceId().equals("db")).findFirst().orElseThrow();
    c.report(db.id(), TaskState.STARTING);
    c.schedule();
    assertThat(webTasks().getFirst().status().state()).isEqualTo(TaskState.ASSIGNED);
  }

  private java.util.List<Task> webTasks() {
    return c.tasks().stream().filter(t -> t.serviceId().equals("web")).toList();
  }
}
