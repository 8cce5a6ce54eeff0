package io.berth.cluster.scheduler;

/**
 * One feasibility test of the pipeline: whether tasks of a group may go on a node at all.
 * Each filter explains its failures in swarmkit's words, which Docker shows in {@code service ps}.
 */
public interface NodeFilter {
  /** The test for {@code group}'s tasks, or null when this filter has nothing to check for them. */
  Check prepare(TaskGroup group);

  /**
   * True if placing tasks can change this filter's answer for a node (resources, ports, per-node
   * counts): the scheduler asks it again before each placement. Others are asked once per group.
   */
  boolean changesWithPlacements();

  /** Why {@code nodes} nodes failed this filter, e.g. "insufficient resources on 2 nodes". */
  String explain(int nodes);

  /** A prepared test. */
  @FunctionalInterface
  interface Check {
    boolean accepts(NodeInfo node);
  }

  /** swarmkit's way of counting: "1 node" or "N nodes". */
  static String nodes(int n) {
    return n == 1 ? "1 node" : n + " nodes";
  }
}
