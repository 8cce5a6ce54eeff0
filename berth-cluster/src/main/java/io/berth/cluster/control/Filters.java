package io.berth.cluster.control;

import io.berth.errdefs.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A list endpoint's {@code filters} (Docker's {@code map[key][]value}): each key's values are
 * alternatives (any may match), keys all have to match. Keys a list does not know are refused
 * with Docker's text, so a typo never lists everything.
 */
public record Filters(Map<String, List<String>> values) {
  public static final Filters NONE = new Filters(Map.of());

  public Filters {
    values = values == null ? Map.of() : Map.copyOf(values);
  }

  /** Refuses a key outside {@code accepted} as Docker does ({@code invalid filter 'x'}). */
  public Filters accept(Set<String> accepted) {
    for (String key : values.keySet()) {
      if (!accepted.contains(key)) {
        throw new InvalidArgumentException("invalid filter '" + key + "'");
      }
    }
    return this;
  }

  public List<String> get(String key) {
    return values.getOrDefault(key, List.of());
  }

  /** True when {@code key} is not given or one of its values passes {@code test}. */
  public boolean any(String key, Predicate<String> test) {
    List<String> vs = get(key);
    return vs.isEmpty() || vs.stream().anyMatch(test);
  }

  /**
   * Docker's label filters: every {@code label} value must match ({@code k} present, or
   * {@code k=v} equal), unlike other keys whose values are alternatives.
   */
  public boolean labels(String key, Map<String, String> labels) {
    for (String v : get(key)) {
      int eq = v.indexOf('=');
      boolean ok = eq < 0 ? labels.containsKey(v) : v.substring(eq + 1).equals(labels.get(v.substring(0, eq)));
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
