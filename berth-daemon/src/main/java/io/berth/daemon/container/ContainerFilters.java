package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.daemon.events.Timestamps;
import io.berth.errdefs.InvalidArgumentException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code filters} query of container list and prune: {@code {"status":["running"],
 * "label":["a=b"]}} (or the older {@code {"status":{"running":true}}} form). Values of one key
 * are alternatives, except labels, which must all be present; different keys must all match,
 * as in Docker. Like the views they filter, they read the stored wire JSON (decision 0028).
 */
final class ContainerFilters {
  private static final Set<String> KEYS = Set.of("id", "name", "status", "label", "ancestor",
      "exited", "before", "since", "health", "until", "network", "volume", "publish", "expose",
      "is-task");
  private final Map<String, List<String>> filters;
  private final ContainerRepository repo;
  private final ContainerNetworks networks;

  private ContainerFilters(Map<String, List<String>> filters, ContainerRepository repo, ContainerNetworks networks) {
    this.filters = filters;
    this.repo = repo;
    this.networks = networks;
  }

  /**
   * {@code json}: the query's filters, already read; {@code repo} finds what {@code before} and
   * {@code since} name, {@code networks} what a container publishes.
   */
  static ContainerFilters parse(JsonNode json, ContainerRepository repo, ContainerNetworks networks) {
    Map<String, List<String>> map = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!KEYS.contains(e.getKey())) {
        throw new InvalidArgumentException("invalid filter '" + e.getKey() + "'");
      }
      List<String> values = new ArrayList<>();
      if (e.getValue().isArray()) {
        e.getValue().forEach(v -> values.add(v.asText()));
      } else {
        e.getValue().fieldNames().forEachRemaining(values::add);
      }
      map.put(e.getKey(), values);
    }
    for (String st : map.getOrDefault("status", List.of())) {
      if (!Set.of("created", "restarting", "running", "removing", "paused", "exited", "dead").contains(st)) {
        throw new InvalidArgumentException("invalid filter 'status=" + st + "'");
      }
    }
    return new ContainerFilters(map, repo, networks);
  }

  /** Filters that select stopped containers make {@code all} implicit, as in Docker. */
  boolean overridesAll() {
    return filters.containsKey("status") || filters.containsKey("exited");
  }

  boolean matches(Container c) {
    for (Map.Entry<String, List<String>> f : filters.entrySet()) {
      if (f.getKey().equals("label")) {
        // label filters all have to match (moby's MatchKVList); other keys' values are alternatives
        if (!f.getValue().stream().allMatch(v -> matchOne(c, "label", v))) {
          return false;
        }
        continue;
      }
      boolean any = false;
      for (String v : f.getValue()) {
        if (matchOne(c, f.getKey(), v)) {
          any = true;
          break;
        }
      }
      if (!any) {
        return false;
      }
    }
    return true;
  }

  private boolean matchOne(Container c, String key, String v) {
    return switch (key) {
      case "id" -> c.id.startsWith(v);
      case "name" -> c.name.matches(".*" + v.replaceFirst("^/", "") + ".*");
      case "status" -> c.state.status().wire().equals(v);
      case "exited" -> c.state.is(ContainerStatus.EXITED) && Integer.toString(c.state.exitCode).equals(v);
      case "label" -> {
        int eq = v.indexOf('=');
        JsonNode labels = c.config.path("Labels");
        yield eq < 0 ? labels.has(v) : labels.path(v.substring(0, eq)).asText("\u0000").equals(v.substring(eq + 1));
      }
      case "ancestor" -> c.imageName.equals(v) || c.imageId.equals(v) || c.imageId.startsWith("sha256:" + v)
          || (c.imageName + ":latest").equals(v);
      case "health" -> c.state.health == null ? v.equals("none") : c.state.health.status.equals(v);
      case "before" -> c.created.compareTo(repo.get(v).created) < 0;
      case "since" -> c.created.compareTo(repo.get(v).created) > 0;
      case "volume" -> c.mounts.stream().anyMatch(m -> m.name().equals(v) || m.destination().equals(v));
      case "publish" -> networks.ports(c).stream().anyMatch(p -> v.startsWith(Integer.toString(p.hostPort())));
      case "expose" -> c.config.path("ExposedPorts").has(v.contains("/") ? v : v + "/tcp");
      case "network" -> v.equals("bridge") || v.equals(c.hostConfig.path("NetworkMode").asText());
      case "until" -> java.time.Instant.parse(c.created).isBefore(Timestamps.parse(v));
      case "is-task" -> v.equals("false");
      default -> throw new InvalidArgumentException("invalid filter '" + key + "'");
    };
  }
}
