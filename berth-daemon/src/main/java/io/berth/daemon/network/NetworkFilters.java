package io.berth.daemon.network;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The {@code filters} of {@code GET /networks} and {@code POST /networks/prune}, with Docker's
 * semantics: {@code name} matches part of the name, {@code id} a prefix of the id,
 * {@code driver} and {@code type} (custom or builtin) exactly, every {@code label} must match
 * ({@code key} or {@code key=value}), {@code dangling} selects user-defined networks no
 * container is attached to. Unknown filters are refused.
 */
public final class NetworkFilters {
  private static final Set<String> LIST = Set.of("name", "id", "label", "driver", "type", "scope", "dangling");

  private NetworkFilters() {}

  /** Which networks a list shows; {@code unused} tells whether no container is attached to one. */
  static Predicate<NetworkRecord> list(JsonNode filters, Predicate<NetworkRecord> unused) {
    filters.fieldNames().forEachRemaining(k -> {
      if (!LIST.contains(k)) {
        throw new InvalidArgumentException("invalid filter '" + k + "'");
      }
    });
    List<String> names = values(filters, "name");
    List<String> ids = values(filters, "id");
    List<String> drivers = values(filters, "driver");
    List<String> types = values(filters, "type");
    List<String> dangling = values(filters, "dangling");
    List<String> labels = values(filters, "label");
    return r -> (names.isEmpty() || names.stream().anyMatch(n -> r.name().contains(n)))
        && (ids.isEmpty() || ids.stream().anyMatch(i -> r.id().startsWith(i)))
        && (drivers.isEmpty() || drivers.contains(r.driver()))
        && (types.isEmpty() || types.contains(r.userDefined() ? "custom" : "builtin"))
        && (dangling.isEmpty()
            || (r.userDefined() && unused.test(r)) == (dangling.contains("true") || dangling.contains("1")))
        && labelsMatch(r.labels(), labels);
  }

  /** Which networks a prune considers (the caller still skips those in use): by {@code label}. */
  static Predicate<NetworkRecord> prune(JsonNode filters) {
    List<String> labels = values(filters, "label");
    return r -> labelsMatch(r.labels(), labels);
  }

  /** Docker sends filter values as a list or as a map of value to true. */
  public static List<String> values(JsonNode filters, String key) {
    JsonNode v = filters.path(key);
    List<String> out = new ArrayList<>();
    if (v.isArray()) {
      v.forEach(x -> out.add(x.asText()));
    } else if (v.isObject()) {
      v.fieldNames().forEachRemaining(out::add);
    }
    return out;
  }

  /** Every {@code key} or {@code key=value} of {@code wanted} is in {@code labels}. */
  public static boolean labelsMatch(java.util.Map<String, String> labels, List<String> wanted) {
    for (String l : wanted) {
      int eq = l.indexOf('=');
      String k = eq < 0 ? l : l.substring(0, eq);
      if (!labels.containsKey(k) || (eq >= 0 && !labels.get(k).equals(l.substring(eq + 1)))) {
        return false;
      }
    }
    return true;
  }
}
