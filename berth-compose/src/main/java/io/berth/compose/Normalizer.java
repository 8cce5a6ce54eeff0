package io.berth.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a validated compose document into its long form, the one {@code compose config}
 * prints and the engine calls are made from: environment and labels as maps (env_file merged
 * in), ports and volumes as objects, depends_on and service networks as maps, build as an
 * object with an absolute context, command and entrypoint as word lists, relative bind sources
 * made absolute.
 */
final class Normalizer {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private final Path dir;
  private final Map<String, String> env;

  Normalizer(Path dir, Map<String, String> env) {
    this.dir = dir;
    this.env = env;
  }

  ObjectNode services(JsonNode services) {
    ObjectNode out = F.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.set(e.getKey(), service(e.getKey(), (ObjectNode) e.getValue().deepCopy()));
    }
    return out;
  }

  /**
   * Rewrites the keys a service has into their long form, and only those: a later {@code -f}
   * file that names a service partially must not wipe what the first one said. Defaults come
   * with {@link #complete} once the files are merged.
   */
  private ObjectNode service(String name, ObjectNode s) {
    String at = "services." + name;
    ObjectNode environment = F.objectNode();
    boolean hasEnv = s.has("environment") || s.has("env_file");
    for (JsonNode f : list(s.remove("env_file"))) {
      String p = f.isObject() ? f.path("path").asText() : f.asText();
      boolean required = !f.isObject() || f.path("required").asBoolean(true);
      Path file = dir.resolve(p).normalize();
      if (!java.nio.file.Files.exists(file)) {
        if (required) {
          throw new ComposeException(at + ".env_file: " + file + " not found");
        }
        continue;
      }
      DotEnv.read(file, env).forEach(environment::put);
    }
    mapOf(s.get("environment"), at + ".environment", true).fields()
        .forEachRemaining(x -> environment.set(x.getKey(), x.getValue()));
    if (hasEnv) {
      s.set("environment", environment);
    }
    if (s.has("labels")) {
      s.set("labels", mapOf(s.get("labels"), at + ".labels", false));
    }
    for (String k : List.of("command", "entrypoint")) {
      JsonNode v = s.get(k);
      if (v != null && v.isTextual()) {
        ArrayNode a = F.arrayNode();
        ShellWords.split(v.asText(), at + "." + k).forEach(a::add);
        s.set(k, a);
      }
    }
    if (s.has("build")) {
      JsonNode b = s.get("build");
      ObjectNode build = b.isTextual() ? F.objectNode().put("context", b.asText()) : (ObjectNode) b;
      if (build.has("context") || b.isTextual()) {
        build.put("context", dir.resolve(build.path("context").asText(".")).normalize().toString());
      }
      if (build.has("args")) {
        build.set("args", mapOf(build.get("args"), at + ".build.args", true));
      }
      if (build.has("labels")) {
        build.set("labels", mapOf(build.get("labels"), at + ".build.labels", false));
      }
      s.set("build", build);
    }
    if (s.has("ports")) {
      ArrayNode ports = F.arrayNode();
      int i = 0;
      for (JsonNode p : list(s.get("ports"))) {
        ports.addAll(Ports.normalize(p, at + ".ports[" + i++ + "]"));
      }
      s.set("ports", ports);
    }
    if (s.has("volumes")) {
      ArrayNode volumes = F.arrayNode();
      int i = 0;
      for (JsonNode v : list(s.get("volumes"))) {
        volumes.add(volume(v, at + ".volumes[" + i++ + "]"));
      }
      s.set("volumes", volumes);
    }
    ObjectNode deps = F.objectNode();
    JsonNode d = s.get("depends_on");
    if (d != null && d.isArray()) {
      d.forEach(x -> deps.set(x.asText(), F.objectNode().put("condition", "service_started").put("required", true)));
    } else if (d != null) {
      d.fields().forEachRemaining(x -> {
        ObjectNode o = ((ObjectNode) x.getValue()).deepCopy();
        if (!o.has("condition")) {
          o.put("condition", "service_started");
        }
        if (!o.has("required")) {
          o.put("required", true);
        }
        deps.set(x.getKey(), o);
      });
    }
    if (d != null) {
      s.set("depends_on", deps);
    }
    ObjectNode nets = F.objectNode();
    JsonNode n = s.get("networks");
    if (n != null && n.isArray()) {
      n.forEach(x -> nets.set(x.asText(), F.objectNode()));
    } else if (n != null) {
      n.fields().forEachRemaining(x -> nets.set(x.getKey(), x.getValue().isNull() ? F.objectNode() : x.getValue()));
    }
    if (n != null) {
      s.set("networks", nets);
    }
    if (s.has("healthcheck")) {
      ObjectNode h = (ObjectNode) s.get("healthcheck");
      JsonNode t = h.get("test");
      if (t != null && t.isTextual()) {
        h.set("test", F.arrayNode().add("CMD-SHELL").add(t.asText()));
      }
      for (String k : List.of("interval", "timeout", "start_period", "start_interval")) {
        if (h.has(k)) {
          Units.nanos(h.get(k).asText(), at + ".healthcheck." + k);
        }
      }
      Casts.toInt(h, "retries", at + ".healthcheck");
      Casts.toBoolean(h, "disable", at + ".healthcheck");
    }
    if (s.has("extra_hosts") && s.get("extra_hosts").isObject()) {
      // the mapping form (host: ip, or host: [ip, ip]) as the list form's host:ip entries
      ArrayNode hosts = F.arrayNode();
      s.get("extra_hosts").fields().forEachRemaining(e -> list(e.getValue()).forEach(ip -> hosts.add(e.getKey() + ":" + ip.asText())));
      s.set("extra_hosts", hosts);
    }
    Casts.service(s, at);
    return s;
  }

  /**
   * Fills in what a merged service leaves unsaid, so that every later reader finds the long
   * form: empty environment, labels, ports, volumes and depends_on, the {@code default} network,
   * the build's context and Dockerfile; and checks that it has an image or a build.
   */
  static void complete(String name, ObjectNode s, Path dir) {
    if (!s.has("image") && !s.has("build")) {
      throw new ComposeException("services." + name + ": has neither an image nor a build context specified");
    }
    for (String k : List.of("environment", "labels", "depends_on")) {
      if (!s.has(k)) {
        s.putObject(k);
      }
    }
    for (String k : List.of("ports", "volumes")) {
      if (!s.has(k)) {
        s.putArray(k);
      }
    }
    if (!s.has("networks")) {
      s.putObject("networks");
    }
    if (s.get("networks").isEmpty() && !s.has("network_mode")) {
      ((ObjectNode) s.get("networks")).putObject("default");
    }
    if (s.get("build") instanceof ObjectNode b) {
      if (!b.has("context")) {
        b.put("context", dir.toString());
      }
      if (!b.has("dockerfile")) {
        b.put("dockerfile", "Dockerfile");
      }
      for (String k : List.of("args", "labels")) {
        if (!b.has(k)) {
          b.putObject(k);
        }
      }
    }
  }

  /** A list or a single value as a list; null as empty. */
  static List<JsonNode> list(JsonNode n) {
    List<JsonNode> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (n.isArray()) {
      n.forEach(out::add);
    } else {
      out.add(n);
    }
    return out;
  }

  /**
   * {@code ["A=1", "B"]} or {@code {A: 1, B: null}} as a map of strings; a key without a value
   * takes the variable from the environment when {@code fromEnv} (and is dropped if unset).
   */
  ObjectNode mapOf(JsonNode n, String path, boolean fromEnv) {
    ObjectNode out = F.objectNode();
    if (n == null || n.isNull()) {
      return out;
    }
    if (n.isArray()) {
      for (JsonNode x : n) {
        String kv = x.asText();
        int eq = kv.indexOf('=');
        if (eq < 0) {
          put(out, kv, null, fromEnv);
        } else {
          out.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
    } else if (n.isObject()) {
      n.fields().forEachRemaining(e -> put(out, e.getKey(),
          e.getValue().isNull() ? null : e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString(),
          fromEnv));
    } else {
      throw new ComposeException(path + ": expected a list or a mapping");
    }
    return out;
  }

  private void put(ObjectNode out, String key, String value, boolean fromEnv) {
    if (value != null) {
      out.put(key, value);
    } else if (fromEnv && env.get(key) != null) {
      out.put(key, env.get(key));
    } else if (!fromEnv) {
      out.put(key, "");
    }
  }

  /** "src:dst[:mode]" or the long form, with a relative bind source made absolute. */
  private ObjectNode volume(JsonNode v, String path) {
    ObjectNode o;
    if (v.isTextual()) {
      String[] p = v.asText().split(":");
      o = F.objectNode();
      if (p.length == 1) {
        o.put("type", "volume").put("target", p[0]);
      } else if (p.length <= 3) {
        boolean bind = p[0].startsWith(".") || p[0].startsWith("/") || p[0].startsWith("~");
        o.put("type", bind ? "bind" : "volume").put("source", p[0]).put("target", p[1]);
        if (bind) {
          o.putObject("bind").put("create_host_path", true); // as the engine's -v: a missing host path is made
        }
        if (p.length == 3) {
          for (String m : p[2].split(",")) {
            switch (m) {
              case "ro" -> o.put("read_only", true);
              case "rw" -> { }
              case "nocopy" -> o.putObject("volume").put("nocopy", true);
              case "z", "Z" -> { }
              default -> throw new ComposeException(path + ": unknown volume mode \"" + m + "\"");
            }
          }
        }
      } else {
        throw new ComposeException(path + ": invalid volume specification \"" + v.asText() + "\"");
      }
    } else {
      o = ((ObjectNode) v).deepCopy();
    }
    if (o.path("type").asText().equals("bind") && o.has("source")) {
      String src = o.get("source").asText();
      if (src.startsWith("~")) {
        src = System.getProperty("user.home") + src.substring(1);
      }
      o.put("source", dir.resolve(src).normalize().toString());
    }
    if (!o.path("target").asText("").startsWith("/")) {
      throw new ComposeException(path + ": the mount target must be an absolute path, got \"" + o.path("target").asText() + "\"");
    }
    return o;
  }
}
