package io.berth.cli.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small pieces docker's swarm commands rely on: natural order, shell words, node addresses, convergence. */
class SwarmHelpersTest {
  @Test
  void naturalOrderComparesNumbersAsNumbers() {
    List<String> names = new ArrayList<>(List.of("web.10", "web.2", "node-10", "node-2", "node-1", "web.1"));
    names.sort(NaturalOrder.INSTANCE);
    assertThat(names).containsExactly("node-1", "node-2", "node-10", "web.1", "web.2", "web.10");
  }

  @Test
  void argsSplitAsAShellWould() {
    assertThat(ShellWords.split("sh -c 'echo hi there' \"a \\\"b\\\"\" c\\ d")).containsExactly("sh", "-c", "echo hi there", "a \"b\"", "c d");
    assertThatThrownBy(() -> ShellWords.split("sh 'oops")).hasMessageContaining("EOF found when expecting closing quote");
  }

  @Test
  void nodeAddressesDefaultLikeDockers() {
    assertThat(SwarmCommands.nodeAddr("10.0.0.1")).isEqualTo("10.0.0.1:2377");
    assertThat(SwarmCommands.nodeAddr(":2378")).isEqualTo("0.0.0.0:2378");
    assertThat(SwarmCommands.nodeAddr("eth0:4000")).isEqualTo("eth0:4000");
    assertThatThrownBy(() -> SwarmCommands.nodeAddr("10.0.0.1:port")).hasMessageContaining("invalid port \"port\"");
  }

  @Test
  void convergenceCountsTheDesiredTasksOnly() throws Exception {
    JsonNode replicated = ServiceCreateTest.json("{'Spec':{'Mode':{'Replicated':{'Replicas':2}}}}");
    List<JsonNode> tasks = List.of(
        ServiceCreateTest.json("{'DesiredState':'running','Status':{'State':'running'}}"),
        ServiceCreateTest.json("{'DesiredState':'shutdown','Status':{'State':'running'}}"),
        ServiceCreateTest.json("{'DesiredState':'running','Status':{'State':'pending','Err':'no suitable node'}}"));
    Convergence.Progress p = Convergence.progress(replicated, tasks);
    assertThat(p.converged()).isFalse();
    assertThat(p.line()).isEqualTo("overall progress: 1 out of 2 tasks (last error: no suitable node)");
    JsonNode global = ServiceCreateTest.json("{'Spec':{'Mode':{'Global':{}}}}");
    assertThat(Convergence.progress(global, List.of()).converged()).as("no tasks yet is not converged").isFalse();
    JsonNode job = ServiceCreateTest.json("{'Spec':{'Mode':{'ReplicatedJob':{'TotalCompletions':1}}}}");
    assertThat(Convergence.progress(job, List.of(ServiceCreateTest.json("{'DesiredState':'complete','Status':{'State':'complete'}}")))
        .converged()).isTrue();
  }

  @Test
  void logDetailsAreUnescaped() {
    assertThat(ServiceLogs.details("com.docker.swarm.node.id=n1,com.docker.swarm.task.id=t%201"))
        .containsEntry("com.docker.swarm.node.id", "n1").containsEntry("com.docker.swarm.task.id", "t 1");
  }
}
