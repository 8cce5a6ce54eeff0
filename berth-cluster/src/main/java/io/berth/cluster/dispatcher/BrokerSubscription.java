package io.berth.cluster.dispatcher;

import io.berth.cluster.dispatcher.Messages.LogLine;
import io.berth.cluster.dispatcher.Messages.LogOptions;
import io.berth.cluster.dispatcher.Messages.LogSubscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One {@code service logs} request as the leader keeps it while it runs: which tasks each node is
 * asked for, which nodes have not finished, why some logs cannot come (swarmkit's "node X is not
 * available", "task X has not been scheduled"), and a bounded queue of published batches between
 * the nodes and the subscriber. A full queue holds the publishing node's call (backpressure down
 * to its log reader) rather than growing. A followed subscription takes in the tasks made after
 * it opened ({@link #addTasks}), as {@code docker service logs -f} shows a replaced task's lines.
 */
final class BrokerSubscription {
  static final int QUEUE_BATCHES = 64;

  final String id;
  final LogOptions options;
  private final Map<String, Set<String>> tasksByNode; // replaced values only, under this object's lock
  private final Set<String> waiting;
  private final List<String> problems = new ArrayList<>();
  private final BlockingQueue<List<LogLine>> queue = new ArrayBlockingQueue<>(QUEUE_BATCHES);
  private volatile boolean closed;
  private volatile long lastBatch = System.nanoTime();

  /** {@code unscheduled}: tasks of the request that no node holds (they contribute a warning only). */
  BrokerSubscription(String id, LogOptions options, Map<String, List<String>> tasksByNode, List<String> unscheduled) {
    this.id = id;
    this.options = options;
    this.tasksByNode = new java.util.concurrent.ConcurrentHashMap<>();
    tasksByNode.forEach((node, tasks) -> this.tasksByNode.put(node, Set.copyOf(tasks)));
    this.waiting = new HashSet<>(tasksByNode.keySet());
    unscheduled.forEach(t -> problems.add("task " + t + " has not been scheduled"));
  }

  Set<String> nodes() {
    return Set.copyOf(tasksByNode.keySet());
  }

  /**
   * Takes in tasks placed since the subscription opened (following only); the nodes whose share
   * changed, to be told, are returned. A node already done is asked again for its new tasks.
   */
  synchronized Set<String> addTasks(Map<String, List<String>> byNode) {
    Set<String> changed = new HashSet<>();
    if (closed || !options.follow()) {
      return changed;
    }
    byNode.forEach((node, tasks) -> {
      Set<String> known = tasksByNode.getOrDefault(node, Set.of());
      if (!known.containsAll(tasks)) {
        Set<String> all = new HashSet<>(known);
        all.addAll(tasks);
        tasksByNode.put(node, Set.copyOf(all));
        waiting.add(node);
        changed.add(node);
      }
    });
    return changed;
  }

  /** Whether {@code nodeId} was asked for lines and has not finished. */
  synchronized boolean waitingFor(String nodeId) {
    return waiting.contains(nodeId);
  }

  /** Whether {@code nodeId} was asked for the log of {@code taskId}. */
  boolean asked(String nodeId, String taskId) {
    return tasksByNode.getOrDefault(nodeId, Set.of()).contains(taskId);
  }

  /** The subscription as {@code nodeId} serves it, while it still has something to send. */
  synchronized LogSubscription forNode(String nodeId) {
    if (closed || !waiting.contains(nodeId)) {
      return null;
    }
    return new LogSubscription(id, List.copyOf(tasksByNode.get(nodeId)), options);
  }

  /**
   * Queues a node's batch, waiting at most {@code patience} for room; false when the subscriber
   * is gone or did not take lines for that long (the subscription is then closed).
   */
  boolean offer(List<LogLine> lines, Duration patience) throws InterruptedException {
    lastBatch = System.nanoTime();
    if (lines.isEmpty()) {
      return !closed;
    }
    long deadline = System.nanoTime() + patience.toNanos();
    while (!closed) {
      if (queue.offer(lines, 100, TimeUnit.MILLISECONDS)) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        closed = true;
      }
    }
    return false;
  }

  /** The next batch, waiting at most {@code wait}; null when none came. */
  List<LogLine> poll(Duration wait) throws InterruptedException {
    return queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * {@code nodeId} has no more to send: it said so ({@code problem} null), or it cannot send
   * ({@code problem} says why). A followed subscription keeps waiting for the others forever,
   * as Docker's does, so only the reason is kept.
   */
  synchronized void nodeDone(String nodeId, String problem) {
    if (!waiting.contains(nodeId)) {
      return;
    }
    if (problem != null) {
      problems.add(problem);
    }
    if (!options.follow() || problem != null) {
      waiting.remove(nodeId);
    }
  }

  /**
   * Gives up on the nodes still awaited when none sent anything for {@code idle} (not while
   * following): a node whose publisher failed must not hold the reader forever.
   */
  synchronized void giveUpAfter(Duration idle) {
    if (options.follow() || System.nanoTime() - lastBatch < idle.toNanos()) {
      return;
    }
    for (String node : List.copyOf(waiting)) {
      nodeDone(node, "node " + node + " sent no logs for " + idle.toSeconds() + " s");
    }
  }

  /** Nothing more will come: every node finished (never while following) and every batch was taken. */
  synchronized boolean finished() {
    return !options.follow() && waiting.isEmpty() && queue.isEmpty();
  }

  /** Docker's warning when some logs could not be read, else null. */
  synchronized String warning() {
    return problems.isEmpty() ? null
        : "warning: incomplete log stream. some logs could not be retrieved for the following reasons: "
            + String.join(", ", problems);
  }

  boolean closed() {
    return closed;
  }

  void close() {
    closed = true;
    queue.clear();
  }
}
