package io.berth.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * Gives interpolated values their types back. The schema accepts strings for numbers and
 * booleans ({@code replicas: ${N:-2}} is a string once interpolated), so compose converts them
 * after interpolation; so does this, and it checks sizes, CPU counts and durations now, so that
 * a bad value is reported by {@code config} with its key rather than half-way through {@code up}.
 */
final class Casts {
  private static final List<String> BOOLEANS = List.of("privileged", "init", "read_only", "tty", "stdin_open", "oom_kill_disable");
  private static final List<String> INTEGERS = List.of("scale", "pids_limit", "cpu_shares", "oom_score_adj");
  private static final List<String> SIZES = List.of("mem_limit", "mem_reservation", "memswap_limit", "shm_size");

  private Casts() {}

  static void service(ObjectNode s, String at) {
    BOOLEANS.forEach(k -> toBoolean(s, k, at));
    INTEGERS.forEach(k -> toInt(s, k, at));
    SIZES.forEach(k -> {
      if (s.has(k)) {
        Units.bytes(s.get(k).asText(), at + "." + k);
      }
    });
    cpus(s, "cpus", at);
    if (s.has("stop_grace_period")) {
      Units.nanos(s.get("stop_grace_period").asText(), at + ".stop_grace_period");
    }
    if (s.get("deploy") instanceof ObjectNode d) {
      toInt(d, "replicas", at + ".deploy");
      if (d.path("resources") instanceof ObjectNode r) {
        for (String kind : List.of("limits", "reservations")) {
          if (r.get(kind) instanceof ObjectNode l) {
            String where = at + ".deploy.resources." + kind;
            if (l.has("memory")) {
              Units.bytes(l.get("memory").asText(), where + ".memory");
            }
            cpus(l, "cpus", where);
            toInt(l, "pids", where);
          }
        }
      }
    }
  }

  static void toInt(ObjectNode o, String key, String at) {
    JsonNode v = o.get(key);
    if (v == null || !v.isTextual()) {
      return;
    }
    try {
      o.set(key, IntNode.valueOf(Integer.parseInt(v.asText().strip())));
    } catch (NumberFormatException e) {
      throw new ComposeException(at + "." + key + ": expected an integer, got \"" + v.asText() + "\"");
    }
  }

  static void toBoolean(ObjectNode o, String key, String at) {
    JsonNode v = o.get(key);
    if (v == null || !v.isTextual()) {
      return;
    }
    // compose accepts YAML 1.1's spellings too
    switch (v.asText().strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "y", "on", "1" -> o.set(key, BooleanNode.TRUE);
      case "false", "no", "n", "off", "0", "" -> o.set(key, BooleanNode.FALSE);
      default -> throw new ComposeException(at + "." + key + ": expected a boolean (true or false), got \"" + v.asText() + "\"");
    }
  }

  private static void cpus(ObjectNode o, String key, String at) {
    JsonNode v = o.get(key);
    if (v == null) {
      return;
    }
    try {
      double d = Double.parseDouble(v.asText().strip());
      if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new ComposeException(at + "." + key + ": expected a number of CPUs (e.g. 0.5), got \"" + v.asText() + "\"");
    }
  }
}
