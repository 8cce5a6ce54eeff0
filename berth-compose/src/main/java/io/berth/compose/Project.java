package io.berth.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A loaded compose project: its name, the directory relative paths were resolved against, and
 * the normalised model ({@code services}, {@code networks}, {@code volumes} in long form, with
 * engine-side names filled in). Read-only once loaded.
 */
public final class Project {
  private static final ObjectMapper CANONICAL = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));
  /** Keys whose empty value says nothing; {@code compose config} leaves them out, as docker compose does. */
  private static final Set<String> OMIT_WHEN_EMPTY =
      Set.of("labels", "environment", "ports", "volumes", "depends_on", "args", "networks");
  private final String name;
  private final Path workingDir;
  private final ObjectNode model;
  private final List<Path> configFiles;

  Project(String name, Path workingDir, ObjectNode model, List<Path> configFiles) {
    this.name = name;
    this.workingDir = workingDir;
    this.model = model;
    this.configFiles = List.copyOf(configFiles);
  }

  /** The compose files the project was loaded from (absolute), for the config_files label. */
  public List<Path> configFiles() {
    return configFiles;
  }

  public String name() {
    return name;
  }

  public Path workingDir() {
    return workingDir;
  }

  public ObjectNode model() {
    return model.deepCopy();
  }

  public List<String> serviceNames() {
    List<String> out = new ArrayList<>();
    model.path("services").fieldNames().forEachRemaining(out::add);
    return out;
  }

  public ObjectNode service(String service) {
    JsonNode s = model.path("services").get(service);
    if (s == null) {
      throw new ComposeException("no such service: " + service);
    }
    return (ObjectNode) s;
  }

  /** Engine name of a project network key ({@code default} -> {@code <project>_default}). */
  public String networkName(String key) {
    JsonNode n = model.path("networks").get(key);
    if (n == null) {
      throw new ComposeException("service refers to undefined network " + key);
    }
    return n.path("name").asText();
  }

  public JsonNode network(String key) {
    return model.path("networks").path(key);
  }

  public List<String> networkKeys() {
    List<String> out = new ArrayList<>();
    model.path("networks").fieldNames().forEachRemaining(out::add);
    return out;
  }

  public List<String> volumeKeys() {
    List<String> out = new ArrayList<>();
    model.path("volumes").fieldNames().forEachRemaining(out::add);
    return out;
  }

  public JsonNode volume(String key) {
    return model.path("volumes").path(key);
  }

  /** Engine name of a project volume key. */
  public String volumeName(String key) {
    JsonNode v = model.path("volumes").get(key);
    if (v == null) {
      throw new ComposeException("service refers to undefined volume " + key);
    }
    return v.path("name").asText();
  }

  /**
   * The services to act on, dependencies first: {@code selected} (all when empty) plus what they
   * depend on, each after its dependencies.
   */
  public List<String> startOrder(Collection<String> selected) {
    Set<String> done = new LinkedHashSet<>();
    for (String s : selected.isEmpty() ? serviceNames() : selected) {
      visit(s, done, new LinkedHashSet<>());
    }
    return List.copyOf(done);
  }

  private void visit(String s, Set<String> done, Set<String> path) {
    if (done.contains(s)) {
      return;
    }
    if (!path.add(s)) {
      throw new ComposeException("dependency cycle detected: " + String.join(" -> ", path) + " -> " + s);
    }
    service(s).path("depends_on").fieldNames().forEachRemaining(d -> visit(d, done, path));
    path.remove(s);
    done.add(s);
  }

  /**
   * A digest of the service's normalised definition: an unchanged service keeps its containers.
   * As in docker compose, what does not shape a container is left out: the replica count (scaling
   * must not recreate), the build section (a rebuild shows as a new image id instead), the pull
   * policy, dependencies and profiles.
   */
  public String configHash(String service) {
    ObjectNode s = service(service).deepCopy();
    s.remove(List.of("scale", "build", "pull_policy", "depends_on", "profiles"));
    if (s.get("deploy") instanceof ObjectNode d) {
      d.remove("replicas");
    }
    return hash(s);
  }

  /** The hash of a network's definition, kept as its config-hash label: a change means recreating it. */
  public String networkHash(String key) {
    return hash(network(key));
  }

  private static String hash(JsonNode node) {
    try {
      Object plain = CANONICAL.convertValue(node, Object.class);
      byte[] d = MessageDigest.getInstance("SHA-256").digest(CANONICAL.writeValueAsString(plain)
          .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Drops empty values of {@link #OMIT_WHEN_EMPTY} keys in the top level, services and build sections. */
  private static void omitEmpty(ObjectNode o, int depth) {
    o.properties().removeIf(e -> OMIT_WHEN_EMPTY.contains(e.getKey()) && e.getValue().isContainerNode() && e.getValue().isEmpty());
    if (depth == 0) {
      o.path("services").forEach(svc -> omitEmpty((ObjectNode) svc, 1));
    } else if (depth == 1 && o.get("build") instanceof ObjectNode b) {
      omitEmpty(b, 2);
    }
  }

  /** The normalised model as YAML ({@code compose config}). */
  public String yaml() {
    try {
      ObjectNode out = model.deepCopy();
      omitEmpty(out, 0);
      return YAML.writeValueAsString(out);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
