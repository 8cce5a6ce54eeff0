package io.berth.daemon.volume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.errdefs.InvalidArgumentException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code filters} of {@code GET /volumes} and {@code POST /volumes/prune}, with Docker's
 * semantics: {@code name} matches part of the name (a regular expression), {@code driver} the
 * driver, every {@code label} must match ({@code key} or {@code key=value}), {@code label!}
 * excludes, {@code dangling} selects volumes no container references, and prune's {@code all}
 * widens it from anonymous volumes to all of them. Unknown filters and bad values are refused.
 */
public final class VolumeFilters {
  private static final Set<String> LIST = Set.of("name", "driver", "label", "dangling");
  private static final Set<String> PRUNE = Set.of("label", "label!", "all");

  private VolumeFilters() {}

  /** Which volumes {@code GET /volumes} lists; {@code inUse} tells whether a container references one. */
  public static Predicate<ObjectNode> list(JsonNode filters, Predicate<String> inUse) {
    validate(filters, LIST);
    List<String> names = values(filters, "name");
    List<String> drivers = values(filters, "driver");
    List<String> labels = values(filters, "label");
    Boolean dangling = bool(filters, "dangling");
    return v -> {
      String name = v.path("Name").asText();
      return (names.isEmpty() || names.stream().anyMatch(n -> n.equals(name) || find(n, name)))
          && (drivers.isEmpty() || drivers.contains(v.path("Driver").asText()))
          && matchAll(labels, v.path("Labels"))
          && (dangling == null || dangling != inUse.test(name));
    };
  }

  /**
   * Which volumes a prune considers (the caller still skips those in use): anonymous ones, or
   * all with {@code all=true} or for clients older than API 1.42 (before prune changed).
   */
  public static Predicate<ObjectNode> prune(JsonNode filters, boolean apiBefore142) {
    validate(filters, PRUNE);
    Boolean all = bool(filters, "all");
    boolean everything = apiBefore142 || (all != null && all);
    List<String> labels = values(filters, "label");
    List<String> without = values(filters, "label!");
    return v -> (everything || VolumeStore.anonymous(v))
        && "local".equals(v.path("Scope").asText("local"))
        && matchAll(labels, v.path("Labels"))
        && (without.isEmpty() || !matchAll(without, v.path("Labels")));
  }

  private static void validate(JsonNode filters, Set<String> accepted) {
    if (filters == null || filters.isMissingNode() || filters.isNull()) {
      return;
    }
    if (!filters.isObject()) {
      throw new InvalidArgumentException("invalid filter: expected a JSON object of filter names to values");
    }
    for (Iterator<String> it = filters.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!accepted.contains(k)) {
        throw new InvalidArgumentException("invalid filter '" + k + "'");
      }
    }
  }

  /** {@code {"k":["a","b"]}} and {@code {"k":{"a":true}}} both name values a and b. */
  static List<String> values(JsonNode filters, String key) {
    List<String> out = new ArrayList<>();
    if (filters == null) {
      return out;
    }
    JsonNode v = filters.path(key);
    if (v.isArray()) {
      v.forEach(x -> out.add(x.asText()));
    } else if (v.isObject()) {
      v.fields().forEachRemaining(e -> {
        if (e.getValue().asBoolean(true)) {
          out.add(e.getKey());
        }
      });
    } else if (v.isTextual()) {
      out.add(v.asText());
    }
    return out;
  }

  /** Docker's boolean filter: true/1 or false/0, one of them; null when the filter is absent. */
  private static Boolean bool(JsonNode filters, String key) {
    if (filters == null || !filters.has(key)) {
      return null;
    }
    List<String> vs = values(filters, key);
    boolean t = vs.contains("true") || vs.contains("1");
    boolean f = vs.contains("false") || vs.contains("0");
    if (t == f) {
      throw new InvalidArgumentException("invalid filter '" + key + "=" + String.join(",", vs)
          + "' (expected true or false)");
    }
    return t;
  }

  /** Every {@code key} or {@code key=value} must be among the labels. */
  private static boolean matchAll(List<String> wanted, JsonNode labels) {
    for (String w : wanted) {
      int eq = w.indexOf('=');
      JsonNode have = labels.get(eq < 0 ? w : w.substring(0, eq));
      if (have == null || (eq >= 0 && !have.asText().equals(w.substring(eq + 1)))) {
        return false;
      }
    }
    return true;
  }

  private static boolean find(String regex, String s) {
    try {
      return Pattern.compile(regex).matcher(s).find();
    } catch (PatternSyntaxException e) {
      return false;
    }
  }
}
