package io.berth.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Loads a compose project as {@code docker compose} does: finds the file, reads {@code .env},
 * interpolates, validates against the compose schema, normalises, merges several {@code -f}
 * files (mappings merge, the later file's lists and scalars win), drops services of inactive
 * profiles, names networks and volumes {@code <project>_<key>}, and checks references.
 */
public final class ProjectLoader {
  private static final List<String> DEFAULT_FILES =
      List.of("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml");
  private static final long MAX_FILE = 8L * 1024 * 1024;
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * @param files {@code -f} files (empty: the default names in {@code dir})
   * @param projectName {@code -p}, or null
   * @param profiles {@code --profile}s (COMPOSE_PROFILES is read too)
   * @param envFile {@code --env-file}, or null for {@code <dir>/.env}
   * @param dir the project directory (where relative paths point)
   * @param osEnv the process environment, which wins over the env file
   */
  public record Options(List<Path> files, String projectName, List<String> profiles, Path envFile, Path dir,
      Map<String, String> osEnv) {}

  private ProjectLoader() {}

  public static Project load(Options o) {
    List<Path> files = o.files().isEmpty() ? List.of(defaultFile(o.dir())) : o.files();
    Path dir = o.dir().toAbsolutePath().normalize();
    if (!o.files().isEmpty()) {
      dir = files.getFirst().toAbsolutePath().normalize().getParent();
    }
    Map<String, String> env = new HashMap<>();
    Path envFile = o.envFile() != null ? o.envFile() : dir.resolve(".env");
    if (Files.exists(envFile)) {
      env.putAll(DotEnv.read(envFile, o.osEnv()));
    } else if (o.envFile() != null) {
      throw new ComposeException("couldn't find env file: " + envFile);
    }
    env.putAll(o.osEnv());
    ObjectNode merged = null;
    for (Path f : files) {
      ObjectNode doc = read(f);
      new Interpolation(env).apply(doc, "");
      SchemaCheck.validate(doc, f.getFileName().toString());
      Normalizer n = new Normalizer(dir, env);
      if (doc.has("services")) {
        doc.set("services", n.services(doc.get("services")));
      }
      merged = merged == null ? doc : merge(merged, doc);
    }
    String name = projectName(o.projectName(), env, merged, dir);
    List<String> profiles = new ArrayList<>(o.profiles());
    String fromEnv = env.get("COMPOSE_PROFILES");
    if (fromEnv != null && !fromEnv.isBlank()) {
      profiles.addAll(List.of(fromEnv.split(",")));
    }
    ObjectNode model = assemble(merged, name, profiles, dir);
    return new Project(name, dir, model, files.stream().map(f -> f.toAbsolutePath().normalize()).toList());
  }

  private static Path defaultFile(Path dir) {
    for (String n : DEFAULT_FILES) {
      Path p = dir.resolve(n);
      if (Files.exists(p)) {
        return p;
      }
    }
    throw new ComposeException("no configuration file provided: not found (looked for "
        + String.join(", ", DEFAULT_FILES) + " in " + dir.toAbsolutePath() + ")");
  }

  static ObjectNode read(Path f) {
    try {
      if (!Files.isRegularFile(f)) {
        throw new ComposeException("open " + f + ": no such file or directory");
      }
      if (Files.size(f) > MAX_FILE) {
        throw new ComposeException(f + " is larger than " + MAX_FILE / (1024 * 1024) + " MiB");
      }
      JsonNode doc = YAML.readTree(f.toFile());
      if (doc == null || !doc.isObject()) {
        throw new ComposeException(f + ": the top level must be a mapping (services:, networks:, ...)");
      }
      return (ObjectNode) doc;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr();
      throw new ComposeException(f + ": invalid YAML" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ComposeException("reading " + f + ": " + e.getMessage(), e);
    }
  }

  /** Service lists that several files add to, as compose merges them (volumes go by target). */
  private static final Set<String> UNION_LISTS = Set.of("ports", "expose", "dns", "dns_search", "dns_opt", "cap_add",
      "cap_drop", "extra_hosts", "security_opt", "group_add", "external_links", "devices", "tmpfs");

  /**
   * Merges a later {@code -f} file into the earlier ones as compose does: mappings (environment,
   * labels, depends_on, networks, ...) merge key by key; a service's ports and similar lists
   * add up without duplicates, its volumes merge by mount target; anything else from
   * {@code over} replaces (image, command, entrypoint, healthcheck test, ...).
   */
  static ObjectNode merge(ObjectNode base, ObjectNode over) {
    return merge(base, over, "");
  }

  private static ObjectNode merge(ObjectNode base, ObjectNode over, String path) {
    ObjectNode out = base.deepCopy();
    boolean serviceLevel = path.startsWith("services.") && path.indexOf('.', "services.".length()) < 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = over.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode b = out.get(e.getKey());
      String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
      if (b instanceof ObjectNode bo && e.getValue() instanceof ObjectNode eo) {
        out.set(e.getKey(), merge(bo, eo, p));
      } else if (serviceLevel && b instanceof ArrayNode ba && e.getValue() instanceof ArrayNode ea
          && (UNION_LISTS.contains(e.getKey()) || e.getKey().equals("volumes"))) {
        out.set(e.getKey(), e.getKey().equals("volumes") ? byTarget(ba, ea) : union(ba, ea));
      } else {
        out.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    return out;
  }

  private static ArrayNode union(ArrayNode a, ArrayNode b) {
    ArrayNode out = a.deepCopy();
    for (JsonNode x : b) {
      boolean seen = false;
      for (JsonNode y : out) {
        seen |= y.equals(x);
      }
      if (!seen) {
        out.add(x.deepCopy());
      }
    }
    return out;
  }

  private static ArrayNode byTarget(ArrayNode a, ArrayNode b) {
    Map<String, JsonNode> byTarget = new java.util.LinkedHashMap<>();
    for (JsonNode x : a) {
      byTarget.put(x.path("target").asText(), x);
    }
    for (JsonNode x : b) {
      byTarget.put(x.path("target").asText(), x.deepCopy());
    }
    ArrayNode out = Normalizer.JSON.createArrayNode();
    byTarget.values().forEach(out::add);
    return out;
  }

  static String projectName(String flag, Map<String, String> env, JsonNode doc, Path dir) {
    String raw = flag != null && !flag.isEmpty() ? flag
        : env.getOrDefault("COMPOSE_PROJECT_NAME", doc.path("name").asText(""));
    boolean given = !raw.isEmpty();
    if (!given) {
      raw = dir.getFileName() == null ? "default" : dir.getFileName().toString();
    }
    String n = raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "");
    n = n.replaceFirst("^[_-]+", "");
    if (n.isEmpty() || (given && !n.equals(raw))) {
      throw new ComposeException("invalid project name \"" + raw
          + "\": must consist only of lowercase alphanumeric characters, hyphens, and underscores"
          + " as well as start with a letter or number");
    }
    return n;
  }

  private static ObjectNode assemble(ObjectNode doc, String name, List<String> profiles, Path dir) {
    ObjectNode model = Normalizer.JSON.createObjectNode();
    model.put("name", name);
    ObjectNode services = model.putObject("services");
    Set<String> disabled = new LinkedHashSet<>();
    doc.path("services").fields().forEachRemaining(e -> {
      ArrayNode ps = e.getValue().path("profiles") instanceof ArrayNode a ? a : null;
      boolean active = ps == null || ps.isEmpty();
      if (ps != null) {
        for (JsonNode p : ps) {
          active |= profiles.contains(p.asText()) || profiles.contains("*");
        }
      }
      if (active) {
        Normalizer.complete(e.getKey(), (ObjectNode) e.getValue(), dir);
        services.set(e.getKey(), e.getValue());
      } else {
        disabled.add(e.getKey());
      }
    });
    ObjectNode networks = model.putObject("networks");
    ObjectNode volumes = model.putObject("volumes");
    doc.path("networks").fields().forEachRemaining(e -> networks.set(e.getKey(), resource(e.getKey(), e.getValue(), name)));
    doc.path("volumes").fields().forEachRemaining(e -> volumes.set(e.getKey(), resource(e.getKey(), e.getValue(), name)));
    for (String kind : List.of("secrets", "configs")) {
      // swarm objects (stack deploy): named as the rest, a file made absolute against the project directory
      if (doc.get(kind) instanceof ObjectNode defs) {
        ObjectNode out = model.putObject(kind);
        defs.fields().forEachRemaining(e -> {
          ObjectNode o = resource(e.getKey(), e.getValue(), name);
          if (o.has("file")) {
            o.put("file", dir.resolve(o.get("file").asText()).normalize().toString());
          }
          out.set(e.getKey(), o);
        });
      }
    }
    services.fields().forEachRemaining(e -> {
      String at = "services." + e.getKey();
      ObjectNode deps = (ObjectNode) e.getValue().path("depends_on");
      List<String> names = new ArrayList<>();
      deps.fieldNames().forEachRemaining(names::add);
      for (String d : names) {
        if (services.has(d)) {
          continue;
        }
        if (!deps.get(d).path("required").asBoolean(true)) {
          deps.remove(d); // an optional dependency that is not part of the project, as compose allows
          continue;
        }
        throw new ComposeException(at + ".depends_on: service " + e.getKey() + " depends on "
            + (disabled.contains(d) ? "service " + d + " which is disabled by its profiles" : "undefined service " + d));
      }
      e.getValue().path("networks").fieldNames().forEachRemaining(n -> {
        if (!networks.has(n)) {
          if (!n.equals("default")) {
            throw new ComposeException(at + ".networks: service " + e.getKey() + " refers to undefined network " + n);
          }
          networks.set("default", resource("default", null, name));
        }
      });
      for (JsonNode v : e.getValue().path("volumes")) {
        if (v.path("type").asText().equals("volume") && v.has("source") && !volumes.has(v.get("source").asText())) {
          throw new ComposeException(at + ".volumes: service " + e.getKey() + " refers to undefined volume "
              + v.get("source").asText());
        }
      }
    });
    // order and cycles: fail now rather than half-way through up
    new Project(name, Path.of("."), model, List.of()).startOrder(List.of());
    return model;
  }

  private static ObjectNode resource(String key, JsonNode def, String project) {
    ObjectNode o = def == null || def.isNull() ? Normalizer.JSON.createObjectNode() : ((ObjectNode) def).deepCopy();
    boolean external = o.path("external").asBoolean(false);
    if (!o.has("name")) {
      o.put("name", external ? key : project + "_" + key);
    }
    o.put("external", external);
    return o;
  }
}
