package io.berth.cluster.scheduler;

import io.berth.cluster.model.PlacementPreference;
import io.berth.errdefs.InvalidArgumentException;
import java.util.Locale;

/**
 * A spread preference ({@code spread=node.labels.zone}) read once: which label of a node groups
 * it. A node without the label is in the group of the empty value, as in swarmkit. Descriptors
 * other than node.labels.NAME and engine.labels.NAME are refused by name.
 */
public record SpreadPreference(boolean engine, String label) {
  private static final String NODE_LABELS = "node.labels.";
  private static final String ENGINE_LABELS = "engine.labels.";

  public static SpreadPreference of(PlacementPreference preference) {
    String d = preference.descriptor().trim();
    String lower = d.toLowerCase(Locale.ROOT);
    if (lower.startsWith(NODE_LABELS) && d.length() > NODE_LABELS.length()) {
      return new SpreadPreference(false, d.substring(NODE_LABELS.length()));
    }
    if (lower.startsWith(ENGINE_LABELS) && d.length() > ENGINE_LABELS.length()) {
      return new SpreadPreference(true, d.substring(ENGINE_LABELS.length()));
    }
    throw new InvalidArgumentException("invalid placement preference spread=" + d
        + ": the descriptor must be node.labels.<name> or engine.labels.<name>");
  }

  /** The node's value of the label, empty when it has none. */
  public String valueOf(NodeInfo node) {
    var labels = engine ? node.node().description().engine().labels() : node.node().spec().labels();
    return labels.getOrDefault(label, "");
  }
}
