package io.berth.cluster.scheduler;

import java.util.Comparator;
import java.util.List;

/**
 * Feasible nodes as a binary heap, best first. Placing a task only makes its node worse, so the
 * scheduler places on the head and sifts it down (log n) instead of sorting again; a head that
 * can take no more of the group is dropped.
 */
final class NodeQueue {
  private final NodeInfo[] heap;
  private final Comparator<NodeInfo> order;
  private int size;

  NodeQueue(List<NodeInfo> nodes, Comparator<NodeInfo> order) {
    this.heap = nodes.toArray(new NodeInfo[0]);
    this.order = order;
    this.size = heap.length;
    for (int i = size / 2 - 1; i >= 0; i--) {
      siftDown(i);
    }
  }

  /** The best node, or null when none is left. */
  NodeInfo peek() {
    return size == 0 ? null : heap[0];
  }

  /** The head changed (a task was placed on it): back to its place. */
  void headChanged() {
    siftDown(0);
  }

  /** The head can take no more of this group: out. */
  void dropHead() {
    heap[0] = heap[--size];
    heap[size] = null;
    if (size > 0) {
      siftDown(0);
    }
  }

  boolean isEmpty() {
    return size == 0;
  }

  private void siftDown(int i) {
    NodeInfo x = heap[i];
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && order.compare(heap[child + 1], heap[child]) < 0) {
        child++;
      }
      if (order.compare(heap[child], x) >= 0) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = x;
  }
}
