package io.berth.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What a stack service mounts, as docker/cli's {@code convert.Volumes} and its secret and config
 * references: a named volume by its stack name with the stack's label (so each node's copy of it
 * belongs to the stack), an external one by its name, binds and tmpfs with their options, the
 * {@code tmpfs:} key as tmpfs mounts; secrets and configs as file references by object name.
 */
final class StackMounts {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private StackMounts() {}

  static ArrayNode of(Project p, JsonNode s, String at, String ns) {
    ArrayNode out = F.arrayNode();
    int i = 0;
    for (JsonNode v : s.path("volumes")) {
      String where = at + ".volumes[" + i++ + "]";
      String type = v.path("type").asText("volume");
      ObjectNode m = out.addObject();
      m.put("Type", type);
      m.put("Target", v.path("target").asText());
      m.put("ReadOnly", v.path("read_only").asBoolean(false));
      switch (type) {
        case "volume" -> volume(p, v, m, ns);
        case "bind" -> {
          if (!v.has("source")) {
            throw new ComposeException(where + ": invalid bind source, source cannot be empty");
          }
          m.put("Source", v.get("source").asText());
          if (v.path("bind").has("propagation")) {
            m.putObject("BindOptions").put("Propagation", v.path("bind").get("propagation").asText());
          }
        }
        case "tmpfs" -> {
          if (v.has("source")) {
            throw new ComposeException(where + ": invalid tmpfs source, source must be empty");
          }
          JsonNode t = v.path("tmpfs");
          if (t.has("size") || t.has("mode")) {
            ObjectNode o = m.putObject("TmpfsOptions");
            if (t.has("size")) {
              o.put("SizeBytes", Units.bytes(t.get("size").asText(), where + ".tmpfs.size"));
            }
            if (t.has("mode")) {
              o.put("Mode", t.get("mode").asLong());
            }
          }
        }
        default -> throw new ComposeException(where + ": mount type " + type + " is not supported for swarm services");
      }
    }
    for (JsonNode t : Normalizer.list(s.get("tmpfs"))) {
      String[] kv = t.asText().split(":", 2);
      if (kv.length == 2) {
        throw new ComposeException(at + ".tmpfs: options (" + kv[1] + ") are not supported for swarm services; "
            + "use a tmpfs volume with tmpfs.size");
      }
      out.addObject().put("Type", "tmpfs").put("Target", kv[0]).put("ReadOnly", false);
    }
    return out;
  }

  private static void volume(Project p, JsonNode v, ObjectNode m, String ns) {
    if (!v.has("source")) {
      return; // anonymous: each task gets its own
    }
    String key = v.get("source").asText();
    JsonNode def = p.volume(key);
    m.put("Source", p.volumeName(key));
    ObjectNode o = m.putObject("VolumeOptions");
    o.put("NoCopy", v.path("volume").path("nocopy").asBoolean(false));
    if (v.path("volume").has("subpath")) {
      o.put("Subpath", v.path("volume").get("subpath").asText());
    }
    if (def.path("external").asBoolean(false)) {
      return;
    }
    o.set("Labels", StackConverter.labels(def.path("labels"), ns));
    if (def.has("driver") || def.has("driver_opts")) {
      ObjectNode d = o.putObject("DriverConfig");
      d.put("Name", def.path("driver").asText(""));
      ObjectNode opts = d.putObject("Options");
      def.path("driver_opts").fields().forEachRemaining(e -> opts.put(e.getKey(), e.getValue().asText()));
    }
  }

  /**
   * The service's {@code secrets} or {@code configs} as docker's references: the object's engine
   * name ({@code SecretName}/{@code ConfigName}; the caller adds its id), the file target (the
   * key unless {@code target}), uid and gid 0 and mode 0444 unless given; sorted by name.
   */
  static ArrayNode references(Project p, JsonNode s, String kind, String at, String ns) {
    boolean secret = kind.equals("secrets");
    JsonNode defs = p.model().path(kind);
    List<ObjectNode> refs = new ArrayList<>();
    for (JsonNode r : s.path(kind)) {
      String source = r.isTextual() ? r.asText() : r.path("source").asText();
      JsonNode def = defs.get(source);
      if (def == null) {
        throw new ComposeException(at + "." + kind + ": undefined " + (secret ? "secret" : "config") + " \"" + source + "\"");
      }
      ObjectNode ref = F.objectNode();
      ObjectNode file = ref.putObject("File");
      file.put("Name", r.path("target").asText(source));
      file.put("UID", r.path("uid").asText("0"));
      file.put("GID", r.path("gid").asText("0"));
      file.put("Mode", r.has("mode") ? mode(r.get("mode"), at + "." + kind) : 0444);
      ref.put(secret ? "SecretName" : "ConfigName", def.path("name").asText(ns + "_" + source));
      refs.add(ref);
    }
    String nameKey = secret ? "SecretName" : "ConfigName";
    refs.sort(Comparator.comparing(r -> r.path(nameKey).asText()));
    ArrayNode out = F.arrayNode();
    refs.forEach(out::add);
    return out;
  }

  /** A file mode: a YAML number as written in octal ({@code 0440}) or decimal, or an octal string. */
  private static long mode(JsonNode m, String at) {
    try {
      return m.isNumber() ? m.asLong() : Long.parseLong(m.asText(), 8);
    } catch (NumberFormatException e) {
      throw new ComposeException(at + ": invalid file mode \"" + m.asText() + "\"");
    }
  }
}
