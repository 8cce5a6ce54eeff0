package io.berth.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.volume.VolumeService;
import io.berth.daemon.volume.VolumeStore;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code docker volume} endpoints over the volume service (Engine API v1.47). */
public final class VolumeRoutes {
  private final VolumeService volumes;

  public VolumeRoutes(VolumeService volumes) {
    this.volumes = volumes;
  }

  public void register(Router r) {
    r.add("GET", "/volumes", this::list);
    r.add("POST", "/volumes/create", this::create);
    r.add("POST", "/volumes/prune", this::prune);
    r.add("GET", "/volumes/{name}", (q, s) -> Json.send(s, 200, volumes.inspect(q.param("name"))));
    r.add("PUT", "/volumes/{name}", (q, s) -> Json.error(s, 503, "This node is not a swarm manager. Use \"docker "
        + "swarm init\" or \"docker swarm join\" to connect this node to swarm and try again."));
    r.add("DELETE", "/volumes/{name}", (q, s) -> {
      volumes.remove(q.param("name"), q.flag("force"));
      s.send(204, null, new byte[0]);
    });
  }

  private void list(HttpRequest q, HttpResponse s) {
    ObjectNode out = Json.object();
    ArrayNode vs = out.putArray("Volumes");
    volumes.list(ContainerRoutes.filtersJson(q.query("filters"))).forEach(vs::add);
    out.putArray("Warnings");
    Json.send(s, 200, out);
  }

  private void create(HttpRequest q, HttpResponse s) throws IOException {
    ObjectNode body = Json.body(q);
    String name = text(body, "Name");
    String driver = text(body, "Driver");
    if (body.hasNonNull("ClusterVolumeSpec")) {
      throw new InvalidArgumentException("create " + name
          + ": cluster volumes (ClusterVolumeSpec) need swarm mode, which this node is not in");
    }
    Map<String, String> labels = strings(body, "Labels");
    Map<String, String> opts = strings(body, "DriverOpts");
    Json.send(s, 201, volumes.create(name, driver, labels, opts));
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
    VolumeStore.PruneReport report = volumes.prune(ContainerRoutes.filtersJson(q.query("filters")),
        before142(q.rawPath()));
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
