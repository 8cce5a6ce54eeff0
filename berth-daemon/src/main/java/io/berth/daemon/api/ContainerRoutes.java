package io.berth.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.container.ContainerStreams;
import io.berth.daemon.container.ContainerViews;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import java.io.IOException;
import java.util.List;

/**
 * Container endpoints that answer with one JSON document: create, list, inspect, the lifecycle
 * verbs, rename, top and prune. Streaming endpoints live in {@link ContainerStreamRoutes}.
 */
public final class ContainerRoutes {
  private final ContainerService containers;
  private final ContainerStreams streams;
  private final ContainerViews views;

  public ContainerRoutes(ContainerService containers, ContainerStreams streams, ContainerViews views) {
    this.containers = containers;
    this.streams = streams;
    this.views = views;
  }

  public void register(Router r) {
    r.add("POST", "/containers/create", this::create);
    r.add("GET", "/containers/json", this::list);
    r.add("GET", "/containers/{id}/json", this::inspect);
    r.add("POST", "/containers/{id}/start", this::start);
    r.add("POST", "/containers/{id}/stop", this::stop);
    r.add("POST", "/containers/{id}/restart", this::restart);
    r.add("POST", "/containers/{id}/kill", this::kill);
    r.add("POST", "/containers/{id}/pause", (q, s) -> {
      containers.pause(q.param("id"));
      s.send(204, null, new byte[0]);
    });
    r.add("POST", "/containers/{id}/unpause", (q, s) -> {
      containers.unpause(q.param("id"));
      s.send(204, null, new byte[0]);
    });
    r.add("POST", "/containers/{id}/rename", this::rename);
    r.add("POST", "/containers/{id}/update", this::update);
    r.add("DELETE", "/containers/{id}", this::remove);
    r.add("GET", "/containers/{id}/top", this::top);
    r.add("POST", "/containers/prune", this::prune);
  }

  private void create(HttpRequest q, HttpResponse s) throws IOException {
    ObjectNode body = Json.body(q);
    Container c = containers.create(q.query("name"), body);
    ObjectNode out = Json.object().put("Id", c.id);
    c.warnings.forEach(out.putArray("Warnings")::add);
    Json.send(s, 201, out);
  }

  private void list(HttpRequest q, HttpResponse s) {
    boolean size = q.flag("size");
    int limit = q.query("limit") == null ? -1 : parseInt(q.query("limit"), "limit");
    ArrayNode out = Json.array();
    for (Container c : containers.list(new ContainerService.ListQuery(filtersJson(q.query("filters")), q.flag("all"),
        limit))) {
      out.add(views.listEntry(c, size ? containers.layerSize(c) : -1));
    }
    Json.send(s, 200, out);
  }

  private void inspect(HttpRequest q, HttpResponse s) {
    Container c = containers.get(q.param("id"));
    Json.send(s, 200, views.inspect(c, q.flag("size") ? containers.layerSize(c) : -1));
  }

  private void start(HttpRequest q, HttpResponse s) {
    if (containers.start(q.param("id"))) {
      s.send(204, null, new byte[0]);
    } else {
      s.send(304, null, new byte[0]);
    }
  }

  private void stop(HttpRequest q, HttpResponse s) {
    if (containers.stop(q.param("id"), timeout(q), q.query("signal"))) {
      s.send(204, null, new byte[0]);
    } else {
      s.send(304, null, new byte[0]);
    }
  }

  private void restart(HttpRequest q, HttpResponse s) {
    containers.restart(q.param("id"), timeout(q), q.query("signal"));
    s.send(204, null, new byte[0]);
  }

  private void kill(HttpRequest q, HttpResponse s) {
    containers.kill(q.param("id"), q.query("signal"));
    s.send(204, null, new byte[0]);
  }

  private void update(HttpRequest q, HttpResponse s) throws IOException {
    ObjectNode out = Json.object();
    ArrayNode warnings = out.putArray("Warnings");
    containers.update(q.param("id"), Json.body(q)).forEach(warnings::add);
    Json.send(s, 200, out);
  }

  private void rename(HttpRequest q, HttpResponse s) {
    String name = q.query("name");
    if (name == null || name.isEmpty()) {
      throw new InvalidArgumentException("Neither old nor new names may be empty");
    }
    containers.rename(q.param("id"), name);
    s.send(204, null, new byte[0]);
  }

  private void remove(HttpRequest q, HttpResponse s) {
    if (q.flag("link")) {
      throw new ConflictException("links are not supported on this network");
    }
    containers.remove(q.param("id"), q.flag("force"), q.flag("v"));
    s.send(204, null, new byte[0]);
  }

  private void top(HttpRequest q, HttpResponse s) {
    Container c = containers.get(q.param("id"));
    String psArgs = q.query("ps_args");
    List<String> args = psArgs == null || psArgs.isBlank() ? List.of() : List.of(psArgs.trim().split("\\s+"));
    List<List<String>> rows = streams.top(c, args);
    ObjectNode out = Json.object();
    ArrayNode titles = out.putArray("Titles");
    ArrayNode procs = out.putArray("Processes");
    for (int i = 0; i < rows.size(); i++) {
      ArrayNode target = i == 0 ? titles : procs.addArray();
      rows.get(i).forEach(target::add);
    }
    Json.send(s, 200, out);
  }

  private void prune(HttpRequest q, HttpResponse s) {
    ContainerService.Pruned pruned = containers.prune(filtersJson(q.query("filters")));
    ObjectNode out = Json.object();
    pruned.ids().forEach(out.putArray("ContainersDeleted")::add);
    out.put("SpaceReclaimed", pruned.spaceReclaimed());
    Json.send(s, 200, out);
  }

  private static Integer timeout(HttpRequest q) {
    String t = q.query("t");
    return t == null || t.isEmpty() ? null : parseInt(t, "t");
  }

  static int parseInt(String v, String name) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("invalid value for " + name + ": " + v);
    }
  }

  static JsonNode filtersJson(String raw) {
    if (raw == null || raw.isEmpty()) {
      return Json.object();
    }
    try {
      return Json.MAPPER.readTree(raw);
    } catch (IOException e) {
      throw new InvalidArgumentException("invalid filter: " + raw);
    }
  }
}
