package io.berth.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A compose project as a swarm stack, in the Engine API's shapes, as {@code docker stack deploy}
 * converts it (docker/cli {@code cli/compose/convert}): every object named {@code <stack>_<key>}
 * (unless {@code name:}) and labelled {@code com.docker.stack.namespace=<stack>}; overlay networks
 * for the networks the services use; secrets and configs from their files; one ServiceSpec per
 * service ({@link StackServiceSpec}). The project must have been loaded with the stack's name as
 * its project name, so its networks and volumes already carry the stack's names.
 *
 * <p>Keys docker's stack refuses are refused with docker's texts; keys swarm mode cannot do are
 * reported as docker reports them ({@link Stack#unsupported}, {@link Stack#deprecated}); keys
 * Berth does that docker drops ({@code depends_on}, {@code group_add}, {@code dns_opt},
 * {@code tmpfs}, {@code scale}) are kept.
 */
public final class StackConverter {
  public static final String NAMESPACE = "com.docker.stack.namespace";
  public static final String IMAGE_LABEL = "com.docker.stack.image";
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** docker/cli's ForbiddenProperties, with its texts. */
  static final Map<String, String> FORBIDDEN = Map.of(
      "extends", "Support for `extends` is not implemented yet.",
      "volume_driver", "Instead of setting the volume driver on the service, define a volume using the top-level "
          + "`volumes` option and specify the driver there.",
      "volumes_from", "To share a volume between services, define it using the top-level `volumes` option and "
          + "reference it from each service that shares it using the service-level `volumes` option.",
      "cpu_quota", "Set resource limits using deploy.resources",
      "cpu_shares", "Set resource limits using deploy.resources",
      "cpuset", "Set resource limits using deploy.resources",
      "mem_limit", "Set resource limits using deploy.resources",
      "memswap_limit", "Set resource limits using deploy.resources",
      "cpus", "Set resource limits using deploy.resources",
      "mem_reservation", "Set resource limits using deploy.resources");
  /** docker/cli's DeprecatedProperties, with its texts. */
  static final Map<String, String> DEPRECATED = Map.of(
      "container_name", "Setting the container name is not supported.",
      "expose", "Exposing ports is unnecessary - services on the same network can access each other's containers "
          + "on any port.");

  /**
   * The stack to deploy.
   *
   * @param networks network name to its create body (only the networks the services use)
   * @param externalNetworks the names of the {@code external} networks the services use (must exist, swarm-scoped)
   * @param secrets the SecretSpecs to create or update ({@code Name}, {@code Labels}, {@code Data})
   * @param configs the ConfigSpecs likewise
   * @param services the service's scoped name to its ServiceSpec; secret and config references name
   *     their object ({@code SecretName}/{@code ConfigName}), the caller adds the ids
   * @param unsupported the keys swarm mode ignores, sorted (docker's "Ignoring unsupported options")
   * @param deprecated deprecated keys used, with docker's explanation
   */
  public record Stack(String namespace, Map<String, ObjectNode> networks, List<String> externalNetworks,
      List<ObjectNode> secrets, List<ObjectNode> configs, Map<String, ObjectNode> services, List<String> unsupported,
      Map<String, String> deprecated) {}

  private StackConverter() {}

  /** Converts {@code project} into the stack {@code namespace}; refuses what docker's stack refuses. */
  public static Stack convert(Project project, String namespace) {
    if (!project.name().equals(namespace)) {
      throw new IllegalArgumentException("the project must be loaded with the stack's name " + namespace);
    }
    Map<String, String> forbidden = new TreeMap<>();
    TreeSet<String> unsupported = new TreeSet<>();
    Map<String, String> deprecated = new TreeMap<>();
    for (String name : project.serviceNames()) {
      project.service(name).fieldNames().forEachRemaining(k -> {
        if (FORBIDDEN.containsKey(k)) {
          forbidden.put(k, FORBIDDEN.get(k));
        } else if (DEPRECATED.containsKey(k)) {
          deprecated.put(k, DEPRECATED.get(k));
        } else if (!StackServiceSpec.HANDLED.contains(k)) {
          unsupported.add(k);
        }
      });
    }
    if (!forbidden.isEmpty()) {
      throw new ComposeException("Compose file contains unsupported options:\n\n" + String.join("\n\n",
          forbidden.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList()) + "\n");
    }
    Map<String, ObjectNode> networks = new TreeMap<>();
    TreeSet<String> external = new TreeSet<>();
    for (String service : project.serviceNames()) {
      project.service(service).path("networks").fieldNames().forEachRemaining(key -> {
        JsonNode n = project.network(key);
        if (n.path("external").asBoolean(false)) {
          external.add(n.path("name").asText());
        } else {
          networks.put(n.path("name").asText(), network(n, namespace));
        }
      });
    }
    Map<String, ObjectNode> services = new TreeMap<>();
    for (String service : project.serviceNames()) {
      services.put(namespace + "_" + service, StackServiceSpec.of(project, service, namespace));
    }
    JsonNode model = project.model();
    return new Stack(namespace, networks, List.copyOf(external), objects(model.path("secrets"), "secrets", namespace),
        objects(model.path("configs"), "configs", namespace), services, List.copyOf(unsupported), deprecated);
  }

  /** docker's network create options for a stack network: overlay unless a driver is named, the stack's label. */
  private static ObjectNode network(JsonNode n, String namespace) {
    ObjectNode b = F.objectNode();
    b.put("Name", n.path("name").asText());
    b.put("Driver", n.path("driver").asText("overlay"));
    ObjectNode opts = b.putObject("Options");
    n.path("driver_opts").fields().forEachRemaining(e -> opts.put(e.getKey(), e.getValue().asText()));
    b.put("Internal", n.path("internal").asBoolean(false));
    b.put("Attachable", n.path("attachable").asBoolean(false));
    b.set("Labels", labels(n.path("labels"), namespace));
    JsonNode ipam = n.path("ipam");
    if (ipam.has("driver") || !ipam.path("config").isEmpty()) {
      ObjectNode i = b.putObject("IPAM");
      i.put("Driver", ipam.path("driver").asText("default"));
      var configs = i.putArray("Config");
      for (JsonNode c : ipam.path("config")) {
        ObjectNode o = configs.addObject().put("Subnet", c.path("subnet").asText());
        if (c.has("gateway")) {
          o.put("Gateway", c.get("gateway").asText());
        }
        if (c.has("ip_range")) {
          o.put("IPRange", c.get("ip_range").asText());
        }
      }
    }
    return b;
  }

  /** Secret or config specs for the defined, non-external objects, from their {@code file} (or {@code environment}). */
  private static List<ObjectNode> objects(JsonNode defs, String kind, String namespace) {
    List<ObjectNode> out = new ArrayList<>();
    defs.fields().forEachRemaining(e -> {
      JsonNode d = e.getValue();
      if (d.path("external").asBoolean(false)) {
        return;
      }
      String at = kind + "." + e.getKey();
      for (String k : List.of("driver", "template_driver", "content")) {
        if (d.has(k)) {
          throw new ComposeException(at + "." + k + " is not supported by Berth's stacks (a file or an environment variable)");
        }
      }
      byte[] data;
      if (d.has("file")) {
        try {
          data = Files.readAllBytes(Path.of(d.get("file").asText()));
        } catch (IOException ex) {
          throw new ComposeException(at + ": reading " + d.get("file").asText() + ": " + ex.getMessage(), ex);
        }
      } else if (d.has("environment")) {
        String v = System.getenv(d.get("environment").asText());
        if (v == null) {
          throw new ComposeException(at + ": environment variable " + d.get("environment").asText() + " is not set");
        }
        data = v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      } else {
        throw new ComposeException(at + ": needs a file, an environment variable or external: true");
      }
      ObjectNode spec = F.objectNode();
      spec.put("Name", d.path("name").asText());
      spec.set("Labels", labels(d.path("labels"), namespace));
      spec.put("Data", Base64.getEncoder().encodeToString(data));
      out.add(spec);
    });
    return out;
  }

  /** A compose labels map plus the stack's namespace label. */
  static ObjectNode labels(JsonNode labels, String namespace) {
    ObjectNode out = F.objectNode();
    if (labels.isArray()) {
      for (JsonNode kv : labels) {
        String[] p = kv.asText().split("=", 2);
        out.put(p[0], p.length == 2 ? p[1] : "");
      }
    } else {
      labels.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    }
    out.put(NAMESPACE, namespace);
    return out;
  }
}
