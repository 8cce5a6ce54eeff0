package io.berth.cluster.dispatcher;

import io.berth.cluster.model.NetworkAttachment;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.network.NetworkView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Keeps a running task running on its node until every node has taken it out of its rotation.
 * A task told to shut down leaves the routing mesh, the VIPs and the DNS answers of every node in
 * the same assignment round, but each node brings its rules in line on its own time, and a node
 * that lags (a busy machine: nft and ip forks) still sends new connections to the task; stopped
 * there, the task's namespace answers them with a reset. Docker waits a fixed two seconds for its
 * gossip to converge; Berth knows better: each node acknowledges the assignment set whose
 * networks it applied ({@link Messages.NetworksApplied}), and the leader tells a task's node of
 * its desired shutdown only once no node's applied rules name one of the task's addresses, or
 * after {@link #MAX_HOLD} when some node does not answer (a node that stopped applying must not
 * keep a task alive forever). Only the leader's dispatcher keeps sessions, so it sees every node.
 *
 * <p>Addresses, not task ids, because that is what the rules hold; an address is not given to
 * another task before this one ended, and the gate holds running tasks only. Not thread-safe:
 * the session hub calls it under its own lock.
 */
final class RotationGate {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RotationGate.class);
  /** The longest a task is held for nodes that do not acknowledge. */
  static final Duration MAX_HOLD = Duration.ofSeconds(10);
  /** Sent sets remembered per node while their acknowledgement is awaited. */
  private static final int PENDING_PER_NODE = 32;

  private final Clock clock;
  /** Per node: sequence number of a sent set to the addresses its rules put in rotation. */
  private final Map<String, TreeMap<Long, Set<String>>> sent = new HashMap<>();
  /** Per node: the addresses in rotation in the newest set it applied. */
  private final Map<String, Set<String>> applied = new HashMap<>();
  /** Since when each held task has been held. */
  private final Map<String, Instant> heldSince = new HashMap<>();
  /** Tasks let go (out of every rotation, or held too long): never held again. */
  private final Set<String> released = new HashSet<>();

  RotationGate(Clock clock) {
    this.clock = clock;
  }

  /** Remembers what set {@code seq} sent to {@code nodeId} puts in rotation, until the node acknowledges it. */
  void sent(String nodeId, long seq, NetworkView view) {
    TreeMap<Long, Set<String>> pending = sent.computeIfAbsent(nodeId, k -> new TreeMap<>());
    pending.put(seq, inRotation(view));
    while (pending.size() > PENDING_PER_NODE) {
      pending.pollFirstEntry();
    }
  }

  /** {@code nodeId} applied the networks of set {@code seq}; false for a set it was not sent (or long replaced). */
  boolean applied(String nodeId, long seq) {
    TreeMap<Long, Set<String>> pending = sent.get(nodeId);
    Set<String> rotation = pending == null ? null : pending.get(seq);
    if (rotation == null) {
      return false;
    }
    pending.headMap(seq, true).clear();
    applied.put(nodeId, rotation);
    return true;
  }

  /** The node's session ended: its rules no longer count (it is not sent anything either). */
  void forget(String nodeId) {
    sent.remove(nodeId);
    applied.remove(nodeId);
  }

  /**
   * {@code tasks} as {@code nodeId} should be told of them, with {@code sessions} the nodes whose
   * rules count: a running task desired to stop is shown still desired running while it is held.
   */
  List<Task> gate(List<Task> tasks, Set<String> sessions) {
    Instant now = clock.instant();
    return tasks.stream().map(t -> held(t, sessions, now) ? stillRunning(t) : t).toList();
  }

  /** Whether some task is held now (the hub then looks again when {@link #MAX_HOLD} may have passed). */
  boolean holding() {
    return !released.containsAll(heldSince.keySet());
  }

  /** Drops the hold records of tasks no longer in {@code live} (ended or gone). */
  void retain(Set<String> live) {
    heldSince.keySet().retainAll(live);
    released.retainAll(live);
  }

  /** Whether some task of {@code tasks} is running, networked and desired to stop: one the gate may hold. */
  static boolean mayHold(List<Task> tasks) {
    return tasks.stream().anyMatch(RotationGate::leaving);
  }

  private static boolean leaving(Task t) {
    return t.desiredState().compareTo(TaskState.RUNNING) > 0 && t.status().state() == TaskState.RUNNING
        && !t.networksAttachments().isEmpty();
  }

  private boolean held(Task t, Set<String> sessions, Instant now) {
    if (!leaving(t) || released.contains(t.id())) {
      return false;
    }
    Set<String> addresses = addresses(t);
    if (addresses.isEmpty()) {
      return false;
    }
    Instant since = heldSince.computeIfAbsent(t.id(), k -> now);
    boolean named = sessions.stream().map(applied::get)
        // a node whose rules are unknown yet, or still name the task
        .anyMatch(rotation -> rotation == null || rotation.stream().anyMatch(addresses::contains));
    if (named && now.isBefore(since.plus(MAX_HOLD))) {
      return true;
    }
    if (named) {
      LOG.info("task {} let go after {} although some node's rules may still name it (no acknowledgement)", t.id(),
          MAX_HOLD);
    }
    released.add(t.id());
    return false;
  }

  private static Task stillRunning(Task t) {
    return new Task(t.id(), t.version(), t.createdAt(), t.updatedAt(), t.spec(), t.serviceId(), t.slot(), t.nodeId(),
        t.status(), TaskState.RUNNING, t.endpoint(), t.serviceAnnotations(), t.networksAttachments());
  }

  private static Set<String> addresses(Task t) {
    Set<String> out = new HashSet<>();
    for (NetworkAttachment a : t.networksAttachments()) {
      a.addresses().forEach(cidr -> out.add(bare(cidr)));
    }
    return out;
  }

  /** The task addresses a view's rules send traffic to: mesh backends, VIP and DNS records. */
  static Set<String> inRotation(NetworkView view) {
    Set<String> out = new HashSet<>();
    view.mesh().forEach(m -> m.backends().forEach(b -> out.add(bare(b.ip()))));
    view.networks().forEach(n -> n.services().forEach(s -> s.tasks().forEach(ip -> out.add(bare(ip)))));
    return out;
  }

  private static String bare(String cidr) {
    int slash = cidr.indexOf('/');
    return slash < 0 ? cidr : cidr.substring(0, slash);
  }
}
