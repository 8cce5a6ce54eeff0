package io.berth.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.container.MountPlanner;
import io.berth.daemon.events.EventBus;
import io.berth.daemon.volume.VolumeFilters;
import io.berth.daemon.volume.VolumeStore;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code docker volume} endpoints over the local volume store (Engine API v1.47). */
public final class VolumeRoutes {
  private final VolumeStore volumes;
  private final ContainerService containers;
  private final EventBus events;

  public VolumeRoutes(VolumeStore volumes, ContainerService containers, EventBus events) {
    this.volumes = volumes;
    this.containers = containers;
    this.events = events;
  }

  public void register(Router r) {
    r.add("GET", "/volumes", this::list);
    r.add("POST", "/volumes/create", this::create);
    r.add("POST", "/volumes/prune", this::prune);
    r.add("GET", "/volumes/{name}", (q, s) -> Json.send(s, 200, volumes.inspect(q.param("name"))));
    r.add("PUT", "/volumes/{name}", (q, s) -> Json.error(s, 503, "This node is not a swarm manager. Use \"docker "
        + "swarm init\" or \"docker swarm join\" to connect this node to swarm and try again."));
    r.add("DELETE", "/volumes/{name}", (q, s) -> {
      String name = q.param("name");
      boolean existed = volumes.exists(name);
      volumes.removeUnused(name, q.flag("force"), this::users);
      if (existed) {
        events.publish("volume", "destroy", name, Map.of("driver", "local"));
      }
      s.send(204, null, new byte[0]);
    });
  }

  /** Ids of the containers that reference the volume (running or not), as Docker's refs. */
  private List<String> users(String volume) {
    return containers.list().stream()
        .filter(c -> MountPlanner.volumeNames(c).contains(volume))
        .map(c -> c.id).sorted().toList();
  }

  private boolean inUse(String volume) {
    for (Container c : containers.list()) {
      if (MountPlanner.volumeNames(c).contains(volume)) {
        return true;
      }
    }
    return false;
  }

  private void list(HttpRequest q, HttpResponse s) {
    var select = VolumeFilters.list(ContainerRoutes.filtersJson(q.query("filters")), this::inUse);
    ObjectNode out = Json.object();
    ArrayNode vs = out.putArray("Volumes");
    volumes.list().stream().filter(select).forEach(vs::add);
    out.putArray("Warnings");
    Json.send(s, 200, out);
  }

  private void create(HttpRequest q, HttpResponse s) throws IOException {
    ObjectNode body = Json.body(q);
    String name = text(body, "Name");
    String driver = text(body, "Driver");
    if (!driver.isEmpty() && !driver.equals("local")) {
      throw new NotFoundException("create " + name + ": error looking up volume plugin " + driver
          + ": plugin \"" + driver + "\" not found (Berth has the local driver only)");
    }
    if (body.hasNonNull("ClusterVolumeSpec")) {
      throw new InvalidArgumentException("create " + name
          + ": cluster volumes (ClusterVolumeSpec) need swarm mode, which this node is not in");
    }
    Map<String, String> labels = strings(body, "Labels");
    Map<String, String> opts = strings(body, "DriverOpts");
    boolean existed = !name.isEmpty() && volumes.exists(name);
    ObjectNode v = volumes.create(name, labels, opts, false);
    if (!existed) {
      events.publish("volume", "create", v.get("Name").asText(), Map.of("driver", "local"));
    }
    Json.send(s, 201, v);
  }

  private static String text(ObjectNode body, String field) {
    JsonNode n = body.path(field);
    if (n.isMissingNode() || n.isNull()) {
      return "";
    }
    if (!n.isTextual()) {
      throw new InvalidArgumentException("invalid " + field + ": expected a string, got " + n);
    }
    return n.asText();
  }

  /** A {@code {"k":"v"}} object of the body; null counts as empty, anything else is refused. */
  private static Map<String, String> strings(ObjectNode body, String field) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode n = body.path(field);
    if (n.isMissingNode() || n.isNull()) {
      return out;
    }
    if (!n.isObject()) {
      throw new InvalidArgumentException("invalid " + field + ": expected an object of strings, got " + n);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new InvalidArgumentException("invalid " + field + "[\"" + e.getKey() + "\"]: expected a string, got "
            + e.getValue());
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private void prune(HttpRequest q, HttpResponse s) {
    var select = VolumeFilters.prune(ContainerRoutes.filtersJson(q.query("filters")), before142(q.rawPath()));
    VolumeStore.PruneReport report = volumes.prune(select, this::users);
    for (String name : report.removed()) {
      events.publish("volume", "destroy", name, Map.of("driver", "local"));
    }
    events.publish("volume", "prune", "", Map.of("reclaimed", Long.toString(report.reclaimed())));
    ObjectNode out = Json.object();
    ArrayNode del = out.putArray("VolumesDeleted");
    report.removed().forEach(del::add);
    out.put("SpaceReclaimed", report.reclaimed());
    Json.send(s, 200, out);
  }

  /** API 1.42 made prune take anonymous volumes only; older clients still get all unused ones. */
  static boolean before142(String rawPath) {
    return ApiVersion.before(rawPath, 42);
  }
}
