package io.berth.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Turns {@code -f key=value} flags into the API's {@code filters} JSON. */
public final class Filters {
  private Filters() {}

  public static String json(List<String> flags) {
    ObjectNode o = Base.JSON.createObjectNode();
    for (String f : flags) {
      int eq = f.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("bad format of filter (expected name=value): " + f);
      }
      String k = f.substring(0, eq);
      String v = f.substring(eq + 1);
      ObjectNode m = o.has(k) ? (ObjectNode) o.get(k) : o.putObject(k);
      m.put(v, true);
    }
    return o.toString();
  }
}
