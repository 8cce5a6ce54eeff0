package io.berth.daemon.container;

import io.berth.runtime.log.LogOptions;
import io.berth.runtime.log.LogTag;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The extra attributes the {@code labels}, {@code labels-regex}, {@code env}, {@code env-regex}
 * and {@code tag} log options attach to every entry of a container's log, which
 * {@code docker logs --details} prints. Docker stores them with each entry; they only depend on
 * the container's labels and environment, which never change after create, so Berth computes
 * them when the log is read.
 */
public final class LogAttributes {
  private LogAttributes() {}

  /** The attributes by key, sorted as Docker prints them. */
  public static SortedMap<String, String> of(Container c, LogOptions opts) {
    SortedMap<String, String> out = new TreeMap<>();
    Map<String, String> labels = c.configSpec().labels();
    Map<String, String> env = new LinkedHashMap<>();
    for (String kv : c.configSpec().env()) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        env.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    pick(labels, opts.opts().get("labels"), opts.opts().get("labels-regex"), out);
    pick(env, opts.opts().get("env"), opts.opts().get("env-regex"), out);
    String tag = opts.opts().getOrDefault("tag", "");
    if (!tag.isEmpty()) {
      out.put("tag", LogTag.render(tag, tagFields(c)));
    }
    return out;
  }

  private static void pick(Map<String, String> from, String names, String regex, Map<String, String> out) {
    if (names != null && !names.isEmpty()) {
      for (String n : names.split(",")) {
        if (from.containsKey(n)) {
          out.put(n, from.get(n));
        }
      }
    }
    if (regex != null && !regex.isEmpty()) {
      Pattern p = Pattern.compile(regex);
      from.forEach((k, v) -> {
        if (p.matcher(k).find()) {
          out.put(k, v);
        }
      });
    }
  }

  private static Map<String, String> tagFields(Container c) {
    Map<String, String> f = new HashMap<>();
    f.put("ID", c.shortId());
    f.put("FullID", c.id);
    f.put("Name", c.name);
    List<String> command = new java.util.ArrayList<>(List.of(c.path));
    command.addAll(c.args);
    f.put("Command", String.join(" ", command));
    String image = c.imageId == null ? "" : c.imageId;
    String bare = image.substring(image.indexOf(':') + 1);
    f.put("ImageID", bare.substring(0, Math.min(12, bare.length())));
    f.put("ImageFullID", image);
    f.put("ImageName", c.imageName == null ? "" : c.imageName);
    f.put("Hostname", hostname());
    f.put("DaemonName", "berth");
    return f;
  }

  private static String hostname() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
