package io.berth.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code --mount type=bind,source=/a,target=/b,readonly} to the API's Mount object. */
final class MountFlag {
  private MountFlag() {}

  static ObjectNode parse(String spec) {
    ObjectNode m = Base.obj();
    m.put("Type", "volume");
    for (String kv : spec.split(",")) {
      String[] p = kv.split("=", 2);
      String k = p[0].trim().toLowerCase();
      String v = p.length == 2 ? p[1].trim() : "";
      switch (k) {
        case "type" -> m.put("Type", v);
        case "source", "src" -> m.put("Source", v);
        case "target", "destination", "dst" -> m.put("Target", v);
        case "readonly", "ro" -> m.put("ReadOnly", v.isEmpty() || v.equals("true") || v.equals("1"));
        case "tmpfs-size" -> m.putObject("TmpfsOptions").put("SizeBytes", io.berth.cli.format.Units.memory(v));
        case "volume-opt", "bind-propagation", "consistency" -> { }
        default -> throw new IllegalArgumentException("invalid field '" + k + "' must be a key=value pair");
      }
    }
    if (!m.has("Target")) {
      throw new IllegalArgumentException("invalid argument \"" + spec + "\" for \"--mount\" flag: target is required");
    }
    return m;
  }
}
