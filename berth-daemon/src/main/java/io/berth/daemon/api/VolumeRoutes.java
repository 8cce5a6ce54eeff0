package io.berth.daemon.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.events.EventBus;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import io.berth.daemon.volume.VolumeStore;
import io.berth.errdefs.InvalidArgumentException;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code docker volume} endpoints over the local volume store. */
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
    r.add("DELETE", "/volumes/{name}", (q, s) -> {
      volumes.remove(q.param("name"), q.flag("force"), containers::volumeInUse);
      events.publish("volume", "destroy", q.param("name"), Map.of("driver", "local"));
      s.send(204, null, new byte[0]);
    });
  }

  private void list(HttpRequest q, HttpResponse s) {
    ObjectNode out = Json.object();
    ArrayNode vs = out.putArray("Volumes");
    volumes.list().forEach(vs::add);
    out.putArray("Warnings");
    Json.send(s, 200, out);
  }

  private void create(HttpRequest q, HttpResponse s) throws IOException {
    ObjectNode body = Json.body(q);
    String driver = body.path("Driver").asText("local");
    if (!driver.isEmpty() && !driver.equals("local")) {
      throw new InvalidArgumentException("volume driver " + driver + " is not supported (only local)");
    }
    if (body.path("DriverOpts").size() > 0) {
      throw new InvalidArgumentException("local volume options (-o) are not supported yet");
    }
    Map<String, String> labels = new HashMap<>();
    body.path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    ObjectNode v = volumes.create(body.path("Name").asText(""), labels, false);
    events.publish("volume", "create", v.get("Name").asText(), Map.of("driver", "local"));
    Json.send(s, 201, v);
  }

  private void prune(HttpRequest q, HttpResponse s) {
    boolean all = ContainerRoutes.filtersJson(q.query("filters")).path("all").toString().contains("true");
    List<String> removed = volumes.prune(all, containers::volumeInUse);
    ObjectNode out = Json.object();
    ArrayNode del = out.putArray("VolumesDeleted");
    removed.forEach(del::add);
    out.put("SpaceReclaimed", 0);
    Json.send(s, 200, out);
  }
}
