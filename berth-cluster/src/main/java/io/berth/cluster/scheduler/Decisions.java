package io.berth.cluster.scheduler;

import io.berth.cluster.model.Task;
import java.util.List;

/**
 * What one scheduling pass decided: tasks now assigned to a node, and tasks still pending —
 * those no node takes (with the reason in their status' Err) and those whose desired state says
 * they should no longer run (unchanged).
 */
public record Decisions(List<Task> assigned, List<Task> pending) {
  public Decisions {
    assigned = List.copyOf(assigned);
    pending = List.copyOf(pending);
  }
}
