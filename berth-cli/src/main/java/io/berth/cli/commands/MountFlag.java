package io.berth.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.format.Units;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code --mount type=volume,src=data,dst=/data,volume-opt=type=tmpfs,...} to the API's Mount
 * object, as the docker CLI parses it: a CSV line (quote a field that holds commas, e.g.
 * {@code "volume-opt=o=size=64m,uid=1000"}), keys case-insensitive, type {@code volume} by
 * default, {@code volume-*} / {@code bind-*} / {@code tmpfs-*} keys only with their own type.
 */
public final class MountFlag {
  private MountFlag() {}

  public static ObjectNode parse(String spec) {
    try {
      return parseFields(spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid argument \"" + spec + "\" for \"--mount\" flag: " + e.getMessage(), e);
    }
  }

  private static ObjectNode parseFields(String spec) {
    ObjectNode m = Base.obj();
    m.put("Type", "volume");
    ObjectNode bind = null;
    ObjectNode volume = null;
    ObjectNode tmpfs = null;
    for (String field : csv(spec)) {
      int eq = field.indexOf('=');
      String key = (eq < 0 ? field : field.substring(0, eq)).toLowerCase(Locale.ROOT);
      String val = eq < 0 ? null : field.substring(eq + 1);
      if (val == null) {
        switch (key) {
          case "readonly", "ro" -> m.put("ReadOnly", true);
          case "volume-nocopy" -> (volume = volume(m, volume)).put("NoCopy", true);
          case "bind-nonrecursive" -> (bind = bind(m, bind)).put("NonRecursive", true);
          case "bind-create-src" -> (bind = bind(m, bind)).put("CreateMountpoint", true);
          default -> throw new IllegalArgumentException("invalid field '" + field + "' must be a key=value pair");
        }
        continue;
      }
      switch (key) {
        case "type" -> m.put("Type", val.toLowerCase(Locale.ROOT));
        case "source", "src" -> m.put("Source", val.equals(".") || val.startsWith("./")
            ? Path.of(val).toAbsolutePath().normalize().toString() : val);
        case "target", "dst", "destination" -> m.put("Target", val);
        case "readonly", "ro" -> m.put("ReadOnly", bool(key, val));
        case "consistency" -> m.put("Consistency", val.toLowerCase(Locale.ROOT));
        case "bind-propagation" -> (bind = bind(m, bind)).put("Propagation", val.toLowerCase(Locale.ROOT));
        case "bind-nonrecursive" -> (bind = bind(m, bind)).put("NonRecursive", bool(key, val));
        case "bind-create-src" -> (bind = bind(m, bind)).put("CreateMountpoint", bool(key, val));
        case "volume-nocopy" -> (volume = volume(m, volume)).put("NoCopy", bool(key, val));
        case "volume-label" -> keyValue((volume = volume(m, volume)).withObjectProperty("Labels"), val);
        case "volume-driver" -> (volume = volume(m, volume)).withObjectProperty("DriverConfig").put("Name", val);
        case "volume-opt" -> keyValue((volume = volume(m, volume)).withObjectProperty("DriverConfig").withObjectProperty("Options"), val);
        case "volume-subpath" -> (volume = volume(m, volume)).put("Subpath", val);
        case "tmpfs-size" -> (tmpfs = tmpfs(m, tmpfs)).put("SizeBytes", size(key, val));
        case "tmpfs-mode" -> (tmpfs = tmpfs(m, tmpfs)).put("Mode", octal(key, val));
        default -> throw new IllegalArgumentException("unexpected key '" + key + "' in '" + field
            + "' (type, source, target, readonly, bind-propagation, volume-opt, volume-nocopy, volume-label, "
            + "volume-subpath, tmpfs-size, tmpfs-mode)");
      }
    }
    String type = m.path("Type").asText();
    if (type.isEmpty()) {
      throw new IllegalArgumentException("type is required");
    }
    if (!m.hasNonNull("Target") || m.path("Target").asText().isEmpty()) {
      throw new IllegalArgumentException("target is required");
    }
    for (String[] k : new String[][] {{"VolumeOptions", "volume", "volume-*"}, {"BindOptions", "bind", "bind-*"},
        {"TmpfsOptions", "tmpfs", "tmpfs-*"}}) {
      if (m.has(k[0]) && !type.equals(k[1])) {
        throw new IllegalArgumentException("cannot mix '" + k[2] + "' options with mount type '" + type + "'");
      }
    }
    return m;
  }

  private static ObjectNode bind(ObjectNode m, ObjectNode o) {
    return o != null ? o : m.putObject("BindOptions");
  }

  private static ObjectNode volume(ObjectNode m, ObjectNode o) {
    return o != null ? o : m.putObject("VolumeOptions");
  }

  private static ObjectNode tmpfs(ObjectNode m, ObjectNode o) {
    return o != null ? o : m.putObject("TmpfsOptions");
  }

  /** {@code k=v} (or {@code k}, an empty value) into {@code target}. */
  private static void keyValue(ObjectNode target, String kv) {
    int eq = kv.indexOf('=');
    target.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
  }

  /** Go's strconv.ParseBool. */
  private static boolean bool(String key, String v) {
    return switch (v) {
      case "1", "t", "T", "true", "TRUE", "True" -> true;
      case "0", "f", "F", "false", "FALSE", "False" -> false;
      default -> throw new IllegalArgumentException("invalid value for " + key + ": " + v + " (true or false)");
    };
  }

  private static long size(String key, String v) {
    try {
      return Units.memory(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid value for " + key + ": " + v + " (a size such as 64m)");
    }
  }

  private static long octal(String key, String v) {
    try {
      long mode = Long.parseLong(v, 8);
      if (mode < 0 || mode > 0xFFFFFFFFL) {
        throw new NumberFormatException();
      }
      return mode;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid value for " + key + ": " + v + " (an octal mode such as 1777)");
    }
  }

  /** One CSV record, as Go's encoding/csv reads it: commas separate, double quotes group. */
  public static List<String> csv(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == '"' && cur.isEmpty()) {
        quoted = true;
      } else if (c == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("unterminated quote in '" + line + "'");
    }
    out.add(cur.toString());
    return out;
  }
}
