package io.berth.cluster.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The cluster's counters: bounded reason names from the scheduler's explanations, and sums. */
class ClusterTalliesTest {
  @Test
  void reasonsAreTheMainFilterOfTheExplanation() {
    assertThat(ClusterTallies.reasonOf("no suitable node (insufficient resources on 2 nodes; "
        + "scheduling constraints not satisfied on 1 node)")).isEqualTo("resources");
    assertThat(ClusterTallies.reasonOf("no suitable node (scheduling constraints not satisfied on 1 node)"))
        .isEqualTo("constraints");
    assertThat(ClusterTallies.reasonOf("no suitable node (1 node not available for new tasks)"))
        .isEqualTo("no_available_node");
    assertThat(ClusterTallies.reasonOf("no suitable node (host-mode port already in use on 1 node)"))
        .isEqualTo("host_port");
    assertThat(ClusterTallies.reasonOf("no suitable node (max replicas per node limit exceed)"))
        .isEqualTo("max_replicas");
    assertThat(ClusterTallies.reasonOf("no suitable node")).isEqualTo("no_node");
    assertThat(ClusterTallies.reasonOf("anything else, with a name in it: web.1")).isEqualTo("other");
    assertThat(ClusterTallies.reasonOf(null)).isEqualTo("other");
  }

  @Test
  void talliesAddUp() {
    ClusterTallies t = new ClusterTallies();
    t.pass("scheduler", 2_000_000_000L);
    t.pass("scheduler", 1_000_000_000L);
    t.committed(500_000_000L, true);
    t.committed(1, false);
    t.unschedulable("resources");
    t.unschedulable("resources");
    assertThat(t.pass("scheduler").count()).isEqualTo(2);
    assertThat(t.pass("scheduler").seconds()).isEqualTo(3.0);
    assertThat(t.commits().count()).isEqualTo(1);
    assertThat(t.failedCommits()).isEqualTo(1);
    assertThat(t.unschedulable()).containsEntry("resources", 2L);
  }
}
