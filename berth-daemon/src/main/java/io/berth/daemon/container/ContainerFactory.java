package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.ContainerConfig;
import io.berth.oci.Reference;
import io.berth.runtime.HostFeatures;
import io.berth.store.image.Image;
import io.berth.store.image.ImageReader;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a {@code POST /containers/create} body into a validated container record: merges the
 * image's defaults (entrypoint, cmd, env, workdir, user, ports, labels, healthcheck) as Docker
 * does and rejects what could never start, before anything is stored.
 */
public final class ContainerFactory {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<String> RESTART = Set.of("", "no", "always", "on-failure", "unless-stopped");
  private final ImageReader images;
  private final NameGenerator names;

  public ContainerFactory(ImageReader images, NameGenerator names) {
    this.images = images;
    this.names = names;
  }

  public Container create(String requestedName, ObjectNode body) {
    List<String> warnings = CreateValidation.check(body, HostFeatures.get());
    String imageRef = RecordJson.text(body, "Image");
    if (imageRef == null || imageRef.isEmpty()) {
      throw new InvalidArgumentException("config error: no image specified (Config.Image)");
    }
    if (!imageRef.startsWith("sha256:") && !imageRef.matches("[a-f0-9]{64}")) {
      Reference.parse(imageRef); // a malformed name is a 400 with the reason, not "No such image"
    }
    Image image = images.resolve(imageRef);
    ObjectNode hostConfig = body.has("HostConfig") && body.get("HostConfig").isObject()
        ? (ObjectNode) body.get("HostConfig") : RecordJson.object();

    ContainerConfig ic = image.config().config() == null
        ? ContainerConfig.empty() : image.config().config();
    ObjectNode config = body.deepCopy();
    config.remove("HostConfig");
    config.remove("NetworkingConfig");
    config.put("Image", imageRef);

    List<String> entrypoint = strings(config.get("Entrypoint"));
    List<String> cmd = strings(config.get("Cmd"));
    boolean entrypointGiven = config.has("Entrypoint") && !config.get("Entrypoint").isNull();
    if (!entrypointGiven) {
      entrypoint = ic.entrypoint() == null ? List.of() : ic.entrypoint();
      if (cmd.isEmpty() && ic.cmd() != null) {
        cmd = ic.cmd();
      }
    } else if (entrypoint.size() == 1 && entrypoint.getFirst().isEmpty()) {
      entrypoint = List.of();
      if (cmd.isEmpty() && ic.cmd() != null) {
        cmd = ic.cmd();
      }
    }
    List<String> argv = new ArrayList<>(entrypoint);
    argv.addAll(cmd);
    if (argv.isEmpty()) {
      throw new InvalidArgumentException("no command specified");
    }
    config.set("Entrypoint", entrypoint.isEmpty() ? null : toArray(entrypoint));
    config.set("Cmd", cmd.isEmpty() ? null : toArray(cmd));
    config.set("Env", toArray(mergeEnv(ic.env(), strings(config.get("Env")))));
    if (RecordJson.text(config, "WorkingDir") == null) {
      config.put("WorkingDir", ic.workingDir() == null ? "" : ic.workingDir());
    }
    if (RecordJson.text(config, "User") == null) {
      config.put("User", ic.user() == null ? "" : ic.user());
    }
    ObjectNode ports = config.has("ExposedPorts") && config.get("ExposedPorts").isObject()
        ? (ObjectNode) config.get("ExposedPorts") : RecordJson.object();
    if (ic.exposedPorts() != null) {
      ic.exposedPorts().keySet().forEach(p -> ports.putObject(p));
    }
    hostConfig.path("PortBindings").fieldNames().forEachRemaining(p -> {
      if (!ports.has(p)) {
        ports.putObject(p);
      }
    });
    config.set("ExposedPorts", ports);
    ObjectNode labels = RecordJson.object();
    if (ic.labels() != null) {
      ic.labels().forEach(labels::put);
    }
    if (config.get("Labels") instanceof ObjectNode given) {
      labels.setAll(given);
    }
    config.set("Labels", labels);
    if (!config.has("Healthcheck") || config.get("Healthcheck").isNull()) {
      if (ic.healthcheck() != null) {
        config.set("Healthcheck", RecordJson.MAPPER.valueToTree(ic.healthcheck()));
      }
    }
    if (RecordJson.text(config, "StopSignal") == null && ic.stopSignal() != null) {
      config.put("StopSignal", ic.stopSignal());
    }
    ObjectNode volumes = config.get("Volumes") instanceof ObjectNode v ? v : RecordJson.object();
    if (ic.volumes() != null) {
      ic.volumes().keySet().forEach(p -> volumes.putObject(p));
    }
    config.set("Volumes", volumes);

    Container c = new Container();
    c.id = HexFormat.of().formatHex(randomBytes());
    c.name = requestedName == null || requestedName.isEmpty()
        ? names.next() : ContainerRepository.checkName(requestedName);
    if (RecordJson.text(config, "Hostname") == null) {
      // with the host's UTS namespace the container has the host's name, as in Docker
      config.put("Hostname", hostConfig.path("UTSMode").asText("").equals("host") ? hostName() : c.id.substring(0, 12));
    }
    c.created = Instant.now().toString();
    c.imageId = image.id().toString();
    c.imageName = imageRef;
    c.path = argv.getFirst();
    c.args = new ArrayList<>(argv.subList(1, argv.size()));
    c.config = config;
    c.hostConfig = hostConfig;
    c.warnings = List.copyOf(warnings);
    return c;
  }

  private static String hostName() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return b;
  }

  /** Docker's checks of a restart policy (create and update). */
  static void validateRestartPolicy(JsonNode rp, boolean autoRemove) {
    String policy = rp.path("Name").asText("");
    if (!RESTART.contains(policy)) {
      throw new InvalidArgumentException("invalid restart policy '" + policy + "'");
    }
    if (rp.path("MaximumRetryCount").asInt(0) < 0) {
      throw new InvalidArgumentException("invalid restart policy: maximum retry count cannot be negative");
    }
    if (rp.path("MaximumRetryCount").asInt(0) > 0 && !policy.equals("on-failure")) {
      throw new InvalidArgumentException("invalid restart policy: maximum retry count can only be used with 'on-failure'");
    }
    if (autoRemove && !policy.isEmpty() && !policy.equals("no")) {
      throw new InvalidArgumentException(
          "conflicting options: cannot specify both --restart and --rm");
    }
  }

  static List<String> mergeEnv(List<String> image, List<String> given) {
    Map<String, String> env = new LinkedHashMap<>();
    for (List<String> list : List.of(image == null ? List.<String>of() : image, given)) {
      for (String kv : list) {
        int eq = kv.indexOf('=');
        String k = eq < 0 ? kv : kv.substring(0, eq);
        if (k.isEmpty()) {
          throw new InvalidArgumentException("invalid environment variable: " + kv);
        }
        env.put(k, kv);
      }
    }
    return new ArrayList<>(env.values());
  }

  static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (n.isTextual()) {
      out.add(n.asText());
      return out;
    }
    if (!n.isArray()) {
      throw new InvalidArgumentException("expected a list of strings, got " + n.getNodeType());
    }
    n.forEach(x -> out.add(x.asText()));
    return out;
  }

  static ArrayNode toArray(List<String> list) {
    ArrayNode a = RecordJson.array();
    list.forEach(a::add);
    return a;
  }
}
