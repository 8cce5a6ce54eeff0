package io.berth.cluster.dispatcher;

import io.berth.cluster.dispatcher.Messages.LogFeed;
import io.berth.cluster.dispatcher.Messages.LogLine;
import io.berth.cluster.dispatcher.Messages.LogSubscription;
import io.berth.cluster.dispatcher.Messages.PublishLogsCall;
import io.berth.cluster.dispatcher.Messages.PublishLogsReply;
import io.berth.cluster.dispatcher.Messages.SubscribeLogsCall;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.Task;
import io.berth.cluster.state.ClusterState;
import io.berth.errdefs.ForbiddenException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The leader's log broker (swarmkit's LogBroker over Berth's dispatcher): a subscription names
 * the tasks of a service (or one task) and, for each node holding some, rides that node's
 * session (level-triggered, with its assignments) until it ends; the nodes send their lines back
 * with PublishLogs and the broker hands them to the subscriber. A node may publish only for a
 * subscription that asked it, and only lines of the tasks it was asked for. A node without a
 * session, or that went down, contributes a reason to Docker's "incomplete log stream" warning
 * instead of holding the others up.
 */
final class LogBroker {
  /** How often a waiting subscriber looks again at the nodes it waits for. */
  static final Duration CHECK = Duration.ofSeconds(1);
  /** How long a subscription waits for nodes that stay silent before it ends without them. */
  static final Duration IDLE = Duration.ofSeconds(60);
  /** How long a node's batch may wait for room before the subscriber is deemed gone (under the call deadline). */
  static final Duration PATIENCE = Duration.ofSeconds(10);

  /** The leader's open sessions, as far as the broker needs them. */
  interface Sessions {
    boolean connected(String nodeId);

    /** Sends these nodes their session message again (their subscriptions changed). */
    void refresh(Collection<String> nodeIds);
  }

  private final ClusterState state;
  private final Sessions sessions;
  private final Map<String, BrokerSubscription> subscriptions = new ConcurrentHashMap<>();
  /** What each open subscription asked for, so a followed one can take in new tasks. */
  private final Map<String, SubscribeLogsCall> calls = new ConcurrentHashMap<>();

  LogBroker(ClusterState state, Sessions sessions) {
    this.state = state;
    this.sessions = sessions;
  }

  /**
   * Opens a subscription for the tasks {@code call} names (all of the service's tasks in the
   * store, as swarmkit reads them) and tells their nodes.
   */
  BrokerSubscription open(SubscribeLogsCall call) {
    if (call.serviceId() == null || call.serviceId().isEmpty() || call.options() == null) {
      throw new InvalidArgumentException("a log subscription names a service and its options");
    }
    List<Task> tasks = tasksOf(call);
    if (tasks.isEmpty() && call.taskId() != null && !call.taskId().isEmpty()) {
      throw new NotFoundException("task " + call.taskId() + " of service " + call.serviceId() + " not found");
    }
    Map<String, List<String>> byNode = new LinkedHashMap<>();
    List<String> unscheduled = new ArrayList<>();
    for (Task t : tasks) {
      if (t.nodeId().isEmpty()) {
        unscheduled.add(t.id());
      } else {
        byNode.computeIfAbsent(t.nodeId(), n -> new ArrayList<>()).add(t.id());
      }
    }
    BrokerSubscription sub = new BrokerSubscription(UUID.randomUUID().toString(), call.options(), byNode,
        unscheduled);
    checkNodes(sub);
    subscriptions.put(sub.id, sub);
    calls.put(sub.id, call);
    sessions.refresh(sub.nodes());
    return sub;
  }

  private List<Task> tasksOf(SubscribeLogsCall call) {
    return state.tasks().stream()
        .filter(t -> t.serviceId().equals(call.serviceId()))
        .filter(t -> call.taskId() == null || call.taskId().isEmpty() || t.id().equals(call.taskId()))
        .toList();
  }

  /** A followed subscription's tasks placed since it opened join it, and their nodes are told. */
  void follow(BrokerSubscription sub) {
    SubscribeLogsCall call = calls.get(sub.id);
    if (call == null || !sub.options.follow()) {
      return;
    }
    Map<String, List<String>> byNode = new LinkedHashMap<>();
    for (Task t : tasksOf(call)) {
      if (!t.nodeId().isEmpty()) {
        byNode.computeIfAbsent(t.nodeId(), n -> new ArrayList<>()).add(t.id());
      }
    }
    var changed = sub.addTasks(byNode);
    if (!changed.isEmpty()) {
      sessions.refresh(changed);
    }
  }

  /**
   * Runs a subscription for its subscriber: batches go to {@code feed} (false from it ends the
   * subscription) until every node finished (never while following) or the subscription closes.
   * The last feed carries the warning, if any. False when the subscription was closed under the
   * reader (this manager stopped leading, or the reader fell too far behind).
   */
  boolean drain(BrokerSubscription sub, Predicate<LogFeed> feed) throws InterruptedException {
    try {
      long lastFollow = System.nanoTime();
      while (!sub.closed()) {
        if (System.nanoTime() - lastFollow > CHECK.toNanos()) {
          follow(sub); // also while lines keep coming: a busy log must not hide a new task
          lastFollow = System.nanoTime();
        }
        List<LogLine> lines = sub.poll(CHECK);
        if (lines != null) {
          if (!feed.test(new LogFeed(lines, null))) {
            return !sub.closed();
          }
        } else if (sub.finished()) {
          String warning = sub.warning();
          if (warning != null) {
            feed.test(new LogFeed(List.of(), warning));
          }
          return true;
        } else {
          checkNodes(sub);
          sub.giveUpAfter(IDLE);
        }
      }
      return false;
    } finally {
      close(sub);
    }
  }

  /** The subscriptions {@code nodeId} serves now (its session message carries them). */
  List<LogSubscription> forNode(String nodeId) {
    return subscriptions.values().stream().map(s -> s.forNode(nodeId)).filter(Objects::nonNull).toList();
  }

  /**
   * A node's batch: refused unless the subscription asked this node for these tasks; answered
   * "closed" when the subscription is over, so the node stops reading.
   */
  PublishLogsReply publish(String nodeId, PublishLogsCall call) throws InterruptedException {
    BrokerSubscription sub = subscriptions.get(call.subscriptionId());
    if (sub == null || sub.closed()) {
      return new PublishLogsReply(true);
    }
    if (!sub.nodes().contains(nodeId)) {
      throw new ForbiddenException("node " + nodeId + " was not asked for the logs of subscription "
          + call.subscriptionId());
    }
    List<LogLine> lines = new ArrayList<>(call.lines().size());
    for (LogLine l : call.lines()) {
      if (!sub.asked(nodeId, l.taskId())) {
        throw new ForbiddenException("node " + nodeId + " may not publish the log of task " + l.taskId()
            + " for subscription " + call.subscriptionId());
      }
      lines.add(l.from(nodeId));
    }
    if (!sub.waitingFor(nodeId) || !sub.offer(lines, PATIENCE)) {
      return new PublishLogsReply(true);
    }
    if (call.done()) {
      sub.nodeDone(nodeId, null);
    }
    return new PublishLogsReply(sub.closed());
  }

  /** Ends a subscription (its subscriber left or it finished) and tells its nodes. */
  void close(BrokerSubscription sub) {
    sub.close();
    calls.remove(sub.id);
    if (subscriptions.remove(sub.id) != null) {
      sessions.refresh(sub.nodes());
    }
  }

  /** Ends every subscription (this manager stops leading or closes): their subscribers see the end. */
  void closeAll() {
    subscriptions.values().forEach(this::close);
  }

  int open() {
    return subscriptions.size();
  }

  /** Nodes the subscription waits for that have no session or are down contribute nothing. */
  private void checkNodes(BrokerSubscription sub) {
    for (String node : sub.nodes()) {
      if (sub.waitingFor(node) && !available(node)) {
        sub.nodeDone(node, "node " + node + " is not available");
      }
    }
  }

  private boolean available(String nodeId) {
    return sessions.connected(nodeId)
        && state.node(nodeId).map(n -> n.status().state() != NodeState.DOWN).orElse(false);
  }
}
