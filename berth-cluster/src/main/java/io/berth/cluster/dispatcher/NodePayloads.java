package io.berth.cluster.dispatcher;

import io.berth.cluster.control.PayloadControl;
import io.berth.cluster.control.PayloadKind;
import io.berth.cluster.dispatcher.Messages.TaskPayload;
import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.Payload;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.state.ClusterState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which secrets and configs a node is sent, as swarmkit's dispatcher decides: those named by a
 * task in its assignment set that has not ended yet (assigned up to running), opened from the
 * store with the manager's secrets key. A node whose tasks name none gets none, and a payload
 * leaves the next message once no task there needs it (the node then forgets it). Made once per
 * pass over the store and asked per node.
 */
final class NodePayloads {
  private static final Logger LOG = LoggerFactory.getLogger(NodePayloads.class);

  private final Map<String, Payload> secrets;
  private final Map<String, Payload> configs;
  private final PayloadControl secretControl;
  private final PayloadControl configControl;

  private NodePayloads(ClusterState state) {
    this.secrets = state.payloads(ClusterState.SECRETS).stream().collect(Collectors.toMap(Payload::id, p -> p));
    this.configs = state.payloads(ClusterState.CONFIGS).stream().collect(Collectors.toMap(Payload::id, p -> p));
    this.secretControl = new PayloadControl(state, PayloadKind.SECRET, Clock.systemUTC());
    this.configControl = new PayloadControl(state, PayloadKind.CONFIG, Clock.systemUTC());
  }

  static NodePayloads of(ClusterState state) {
    return new NodePayloads(state);
  }

  /** The secrets the tasks of one node's assignment set need, in clear, by id order. */
  List<TaskPayload> secretsFor(List<Task> tasks) {
    return pick(tasks, c -> c.secrets().stream().map(r -> r.secretId()).toList(), secrets, secretControl);
  }

  List<TaskPayload> configsFor(List<Task> tasks) {
    return pick(tasks, c -> c.configs().stream().map(r -> r.configId()).toList(), configs, configControl);
  }

  /** Whether a task still needs its payloads: it has not ended (its container may be made or run). */
  static boolean needsPayloads(Task t) {
    TaskState s = t.status().state();
    return s.compareTo(TaskState.ASSIGNED) >= 0 && s.compareTo(TaskState.RUNNING) <= 0;
  }

  private static List<TaskPayload> pick(List<Task> tasks, Function<ContainerSpec, List<String>> ids,
      Map<String, Payload> stored, PayloadControl control) {
    Set<String> wanted = new TreeSet<>();
    for (Task t : tasks) {
      if (needsPayloads(t) && t.spec().containerSpec() != null) {
        wanted.addAll(ids.apply(t.spec().containerSpec()));
      }
    }
    List<TaskPayload> out = new ArrayList<>();
    for (String id : wanted) {
      Payload p = stored.get(id);
      if (p == null) {
        continue; // removed meanwhile: the task fails on the node, naming it
      }
      try {
        out.add(new TaskPayload(p.id(), p.spec().name(), control.plain(p)));
      } catch (RuntimeException e) {
        LOG.warn("{} {} cannot be sent to its tasks' node: {}", p.spec().name(), p.id(), e.getMessage());
      }
    }
    return out;
  }
}
