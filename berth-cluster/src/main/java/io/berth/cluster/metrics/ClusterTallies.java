package io.berth.cluster.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the cluster's loops and store measure as they work, kept as plain counters that the daemon
 * reads at scrape time (decision 0041): berth-cluster stays free of any metrics library. One
 * instance per node lives across memberships and terms of leadership, so counts only grow.
 */
public final class ClusterTallies {
  /** A count of events and the nanoseconds they took in all. */
  public static final class Tally {
    private final LongAdder count = new LongAdder();
    private final LongAdder nanos = new LongAdder();

    void add(long n) {
      count.increment();
      nanos.add(Math.max(0, n));
    }

    public long count() {
      return count.sum();
    }

    public double seconds() {
      return nanos.sum() / 1e9;
    }
  }

  private final Map<String, Tally> passes = new ConcurrentHashMap<>();
  private final Tally scheduled = new Tally();
  private final Map<String, LongAdder> unschedulable = new ConcurrentHashMap<>();
  private final Tally commits = new Tally();
  private final LongAdder failedCommits = new LongAdder();

  /** One pass of a leader's loop ({@code orchestrator}, {@code scheduler}...) took {@code nanos}, write included. */
  public void pass(String loop, long nanos) {
    passes.computeIfAbsent(loop, k -> new Tally()).add(nanos);
  }

  /** A task was assigned a node {@code waitedNanos} after it became pending. */
  public void scheduled(long waitedNanos) {
    scheduled.add(waitedNanos);
  }

  /** No node took a task, for {@code reason} (a short fixed name, see {@link #reasonOf}). */
  public void unschedulable(String reason) {
    unschedulable.computeIfAbsent(reason, k -> new LongAdder()).increment();
  }

  /** A write to the replicated store was committed (or failed) after {@code nanos}. */
  public void committed(long nanos, boolean ok) {
    if (ok) {
      commits.add(nanos);
    } else {
      failedCommits.increment();
    }
  }

  /** The loops seen so far and their tallies, by name. */
  public Map<String, Tally> passes() {
    return new TreeMap<>(passes);
  }

  public Tally scheduled() {
    return scheduled;
  }

  /** The tally of {@code loop}, made on first use so a series exists before the loop ran. */
  public Tally pass(String loop) {
    return passes.computeIfAbsent(loop, k -> new Tally());
  }

  /** Scheduling failures by reason. */
  public Map<String, Long> unschedulable() {
    Map<String, Long> m = new TreeMap<>();
    unschedulable.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  public Tally commits() {
    return commits;
  }

  public long failedCommits() {
    return failedCommits.sum();
  }

  /**
   * A bounded name for the scheduler's explanation ("no suitable node (insufficient resources on
   * 2 nodes; ...)"): the first, most common reason, so that metrics never carry free text.
   */
  public static String reasonOf(String explanation) {
    if (explanation == null) {
      return "other";
    }
    String e = explanation.contains("(") ? explanation.substring(explanation.indexOf('(') + 1) : explanation;
    if (e.startsWith("insufficient resources")) {
      return "resources";
    } else if (e.startsWith("scheduling constraints")) {
      return "constraints";
    } else if (e.startsWith("host-mode port")) {
      return "host_port";
    } else if (e.startsWith("max replicas")) {
      return "max_replicas";
    } else if (e.startsWith("unsupported platform")) {
      return "platform";
    } else if (e.contains("not available for new tasks")) {
      return "no_available_node";
    } else if (e.startsWith("no suitable node")) {
      return "no_node";
    }
    return "other";
  }
}
