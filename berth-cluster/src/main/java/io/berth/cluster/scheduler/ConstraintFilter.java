package io.berth.cluster.scheduler;

import java.util.List;

/** A node must satisfy every placement constraint of the service ({@code --constraint}). */
public final class ConstraintFilter implements NodeFilter {
  @Override
  public Check prepare(TaskGroup group) {
    List<String> text = group.placement().constraints();
    if (text.isEmpty()) {
      return null;
    }
    List<Constraint> constraints = Constraint.parseAll(text);
    return n -> Constraint.allMatch(constraints, n.node());
  }

  @Override
  public boolean changesWithPlacements() {
    return false;
  }

  @Override
  public String explain(int nodes) {
    return "scheduling constraints not satisfied on " + NodeFilter.nodes(nodes);
  }
}
