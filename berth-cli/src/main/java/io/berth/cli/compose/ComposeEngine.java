package io.berth.cli.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.build.ClassicBuild;
import io.berth.cli.session.Cli;
import io.berth.client.ApiClient;
import io.berth.client.ApiException;
import io.berth.compose.ComposeException;
import io.berth.compose.ContainerBodies;
import io.berth.compose.Project;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Brings a project's engine objects to what the compose file says, through the Engine API, as
 * {@code docker compose} does: networks and volumes first, then services in dependency order,
 * each waiting for its dependencies' conditions; unchanged containers (same config hash) are
 * kept, changed ones recreated, surplus replicas removed.
 */
final class ComposeEngine {
  private long waitMs = 300_000;
  private final Cli cli;
  private final ApiClient api;
  private final Project p;
  private final ProjectObjects objects;

  ComposeEngine(Cli cli, Project p) {
    this.cli = cli;
    this.api = cli.client();
    this.p = p;
    this.objects = new ProjectObjects(api, p.name());
  }

  ProjectObjects objects() {
    return objects;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  void status(String kind, String name, String what) {
    cli.err.println(" " + kind + " " + name + "  " + what);
  }

  void createNetwork(String key) throws IOException {
    api.post("/networks/create", ContainerBodies.networkBody(p, key)).close();
    status("Network", p.networkName(key), "Created");
  }

  /** Removes a network whose definition changed (its containers went first). */
  void removeNetwork(String name) throws IOException {
    api.delete("/networks/" + enc(name)).close();
    status("Network", name, "Removed");
  }

  void createVolume(String key) throws IOException {
    api.post("/volumes/create", ContainerBodies.volumeBody(p, key)).close();
    status("Volume", p.volumeName(key), "Created");
  }

  private boolean exists(String path) throws IOException {
    try (var r = api.get(path)) {
      return true;
    } catch (ApiException e) {
      if (e.status() == 404) {
        return false;
      }
      throw e;
    }
  }

  /** Builds the services that have a build section (all when {@code always}, else only missing images). */
  void build(Collection<String> services, boolean always, boolean noCache) throws Exception {
    for (String s : services) {
      JsonNode b = p.service(s).path("build");
      if (b.isMissingNode()) {
        continue;
      }
      String image = ContainerBodies.image(p, s);
      if (!always && exists("/images/" + enc(image) + "/json")) {
        continue;
      }
      cli.err.println(" Building " + s);
      Map<String, String> args = new LinkedHashMap<>();
      b.path("args").fields().forEachRemaining(e -> args.put(e.getKey(), e.getValue().asText()));
      Map<String, String> labels = new LinkedHashMap<>();
      b.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      String target = b.path("target").asText(null);
      String id = ClassicBuild.run(cli, new ClassicBuild.Request(Path.of(b.path("context").asText()),
          b.path("dockerfile").asText("Dockerfile"), List.of(image), args, labels, target, null,
          b.path("network").asText(null), noCache, false));
      if (id == null) {
        throw new ComposeException("failed to build service " + s);
      }
    }
  }

  /** Pulls images of services that have no build section and are missing (or all when {@code always}). */
  void pull(Collection<String> services, boolean always) throws IOException {
    for (String s : services) {
      JsonNode svc = p.service(s);
      if (!svc.has("image") || (svc.has("build") && !always)) {
        continue;
      }
      String image = svc.get("image").asText();
      if (!always && exists("/images/" + enc(image) + "/json")) {
        continue;
      }
      cli.err.println(" Pulling " + s + " (" + image + ")");
      String[] ref = splitTag(image);
      try (var r = api.post("/images/create?fromImage=" + enc(ref[0]) + "&tag=" + enc(ref[1]), null)) {
        r.eachJsonLine(line -> {
          if (line.has("error")) {
            throw new ComposeException("pulling " + image + " for service " + s + ": " + line.path("error").asText());
          }
          return true;
        });
      }
    }
  }

  static String[] splitTag(String image) {
    int at = image.indexOf('@');
    if (at >= 0) {
      return new String[] {image.substring(0, at), image.substring(at + 1)};
    }
    int colon = image.lastIndexOf(':');
    if (colon > image.lastIndexOf('/')) {
      return new String[] {image.substring(0, colon), image.substring(colon + 1)};
    }
    return new String[] {image, "latest"};
  }

  /**
   * Creates one container of the service (a one-off one when {@code oneoff} is set) and connects
   * its other networks before it starts, as docker compose does; returns its id.
   */
  String create(String service, int number, ContainerBodies.OneOff oneoff, String imageId) throws IOException {
    ObjectNode body = ContainerBodies.containerBody(p, service, number, oneoff, imageId);
    String name = ContainerBodies.containerName(p, service, number, oneoff != null);
    String id;
    try (var r = api.post("/containers/create?name=" + enc(name), body)) {
      id = r.json().path("Id").asText();
    } catch (ApiException e) {
      // the daemon checks what the service asks for (logging driver and options, ...): say which service
      throw new ApiException(e.status(), "service \"" + service + "\": " + e.getMessage());
    }
    JsonNode svc = p.service(service);
    Iterator<String> nets = svc.path("networks").fieldNames();
    if (nets.hasNext()) {
      nets.next(); // the first is in the create body
    }
    while (nets.hasNext()) {
      String key = nets.next();
      ObjectNode connect = ApiClient.mapper().createObjectNode().put("Container", id);
      connect.set("EndpointConfig", ContainerBodies.endpoint(svc, service, key));
      api.post("/networks/" + enc(p.networkName(key)) + "/connect", connect).close();
    }
    return id;
  }

  void start(String id, String name) throws IOException {
    api.post("/containers/" + id + "/start", null).close();
    status("Container", name, "Started");
  }

  /**
   * Seconds a container of {@code service} gets between SIGTERM and SIGKILL: {@code override}
   * ({@code -t}) when given, else the service's {@code stop_grace_period}, else Docker's 10.
   */
  long stopTimeout(String service, Integer override) {
    if (override != null) {
      return override;
    }
    return p.serviceNames().contains(service) ? ContainerBodies.stopSeconds(p, service, 10) : 10;
  }

  void remove(String service, String id, String name, String why) throws IOException {
    remove(service, id, name, why, null);
  }

  /** Stops (within {@code timeout} seconds when given) and removes a container. */
  void remove(String service, String id, String name, String why, Integer timeout) throws IOException {
    try {
      api.post("/containers/" + id + "/stop?t=" + stopTimeout(service, timeout), null).close();
    } catch (ApiException e) {
      if (e.status() != 304 && e.status() != 404) {
        throw e;
      }
    }
    api.delete("/containers/" + id + "?force=1").close();
    status("Container", name, why.equals("Recreate") ? "Recreated" : why);
  }

  /** Waits until every container of {@code dependency} meets {@code condition} ({@code service} waits). */
  void await(String service, String dependency, String condition) throws IOException {
    List<JsonNode> containers = objects.containers(dependency, true, false);
    if (containers.isEmpty()) {
      throw new ComposeException("service " + service + " depends on " + dependency + " (" + condition
          + "), which has no containers");
    }
    for (JsonNode c : containers) {
      waitFor(ProjectObjects.name(c), c.path("Id").asText(), condition, service);
    }
  }

  /**
   * {@code up --wait}: every container of {@code services} running, and healthy where it has a
   * healthcheck; a one-shot job that exited 0 passes when another service waits for it to
   * complete (service_completed_successfully), as in docker compose.
   */
  void waitReady(List<String> services) throws IOException {
    java.util.Set<String> jobs = new java.util.HashSet<>();
    for (String s : p.serviceNames()) {
      p.service(s).path("depends_on").fields().forEachRemaining(d -> {
        if (d.getValue().path("condition").asText().equals("service_completed_successfully")) {
          jobs.add(d.getKey());
        }
      });
    }
    for (String s : services) {
      for (JsonNode c : objects.containers(s, true, false)) {
        String id = c.path("Id").asText();
        JsonNode state;
        try (var r = api.get("/containers/" + id + "/json")) {
          state = r.json().path("State");
        }
        if (state.has("Health") && !state.path("Health").isNull()) {
          waitFor(ProjectObjects.name(c), id, "service_healthy", "--wait");
        } else if (!state.path("Running").asBoolean(false)) {
          int code = state.path("ExitCode").asInt();
          if (!(jobs.contains(s) && code == 0)) {
            throw new ComposeException("container " + ProjectObjects.name(c) + " exited (" + code + ")");
          }
        }
      }
    }
  }

  /** How long {@link #await} and {@link #waitReady} wait for one container ({@code up --wait-timeout}). */
  void waitTimeout(long seconds) {
    this.waitMs = seconds * 1000;
  }

  private void waitFor(String name, String id, String condition, String dependent) throws IOException {
    long deadline = System.currentTimeMillis() + waitMs;
    boolean said = false;
    while (System.currentTimeMillis() < deadline) {
      JsonNode st;
      try (var r = api.get("/containers/" + id + "/json")) {
        st = r.json().path("State");
      }
      String status = st.path("Status").asText();
      if (condition.equals("service_healthy")) {
        String health = st.path("Health").path("Status").asText("");
        if (health.equals("healthy")) {
          status("Container", name, "Healthy");
          return;
        }
        if (health.isEmpty()) {
          throw new ComposeException(dependent.equals("--wait") ? "container " + name + " has no healthcheck"
              : "dependency " + name + " of " + dependent + " has no healthcheck but depends_on asks for service_healthy");
        }
        if (health.equals("unhealthy") || status.equals("exited")) {
          throw new ComposeException((dependent.equals("--wait") ? "" : "dependency failed to start: ")
              + "container " + name + " is unhealthy");
        }
      } else if (condition.equals("service_completed_successfully")) {
        if (status.equals("exited") || status.equals("dead")) {
          int code = st.path("ExitCode").asInt();
          if (code != 0) {
            throw new ComposeException("service " + name + " didn't complete successfully: exit " + code);
          }
          status("Container", name, "Exited");
          return;
        }
      } else {
        throw new ComposeException("unknown depends_on condition " + condition + " for " + dependent);
      }
      if (!said) {
        status("Container", name, "Waiting");
        said = true;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + name, e);
      }
    }
    throw new ComposeException("timed out waiting for " + name + " (" + condition + ")");
  }

  /** How deep a service sits in the dependency graph (0: depends on nothing); orphans go first. */
  private int level(String service) {
    if (!p.serviceNames().contains(service)) {
      return Integer.MAX_VALUE;
    }
    return io.berth.compose.StepLevels.depth(p, service, java.util.Set.copyOf(p.serviceNames()));
  }

  /** Something done to one container, for {@link #byLevel}. */
  interface ContainerAction {
    void apply(JsonNode container) throws IOException;
  }

  /**
   * Applies {@code action} level by level of the dependency graph (dependents first when
   * {@code dependentsFirst}, as stop and down go; dependencies first otherwise, as start goes),
   * to the containers of one level side by side: each stop may take its whole grace period.
   */
  void byLevel(List<JsonNode> containers, boolean dependentsFirst, ContainerAction action) throws IOException {
    java.util.TreeMap<Integer, List<JsonNode>> levels = new java.util.TreeMap<>(
        dependentsFirst ? java.util.Comparator.<Integer>reverseOrder() : java.util.Comparator.<Integer>naturalOrder());
    for (JsonNode c : containers) {
      String svc = c.path("Labels").path(ContainerBodies.SERVICE).asText();
      levels.computeIfAbsent(level(svc), k -> new ArrayList<>()).add(c);
    }
    for (List<JsonNode> level : levels.values()) {
      SideBySide.run(level, action::apply);
    }
  }

  /** {@code down}: containers, networks, and with {@code volumes} the project's volumes. */
  void down(boolean volumes, boolean orphans, Integer timeout) throws IOException {
    List<JsonNode> doomed = new ArrayList<>();
    for (JsonNode c : objects.containers(null, true, true)) {
      String svc = c.path("Labels").path(ContainerBodies.SERVICE).asText();
      if (!orphans && !p.serviceNames().contains(svc)) {
        cli.err.println("WARN Found orphan container " + ProjectObjects.name(c) + " for this project;"
            + " run down --remove-orphans to remove it");
        continue;
      }
      doomed.add(c);
    }
    // dependents stop before what they depend on; containers of one level stop side by side
    byLevel(doomed, true, c -> remove(c.path("Labels").path(ContainerBodies.SERVICE).asText(), c.path("Id").asText(),
        ProjectObjects.name(c), "Removed", timeout));
    for (JsonNode n : objects.networks()) {
      removeNetwork(n.path("Name").asText());
    }
    if (volumes) {
      for (JsonNode v : objects.volumes()) {
        String name = v.path("Name").asText();
        api.delete("/volumes/" + enc(name)).close();
        status("Volume", name, "Removed");
      }
    }
  }
}
