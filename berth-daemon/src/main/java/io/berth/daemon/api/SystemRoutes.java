package io.berth.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.container.ContainerViews;
import io.berth.daemon.events.EventBus;
import io.berth.daemon.events.Timestamps;
import io.berth.daemon.image.ImageService;
import io.berth.daemon.system.DaemonInfo;
import io.berth.daemon.system.EngineUsage;
import io.berth.daemon.swarm.SwarmInfo;
import io.berth.daemon.swarm.SwarmMembership;
import io.berth.daemon.volume.VolumeService;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import io.berth.store.image.Image;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** {@code /_ping}, {@code /version}, {@code /info}, {@code /events} and {@code /system/df}. */
public final class SystemRoutes {
  private final DaemonInfo info;
  private final ContainerService containers;
  private final ContainerViews views;
  private final EngineUsage usage;
  private final EventBus events;
  private final Optional<SwarmMembership> swarm;

  /** {@code swarm}: this node's swarm membership, empty when berthd runs without swarm mode (always inactive). */
  public SystemRoutes(DaemonInfo info, ContainerService containers, ContainerViews views, EngineUsage usage,
      EventBus events, Optional<SwarmMembership> swarm) {
    this.swarm = swarm;
    this.info = info;
    this.containers = containers;
    this.views = views;
    this.usage = usage;
    this.events = events;
  }

  public void register(Router r) {
    r.add("GET", "/_ping", this::ping);
    r.add("HEAD", "/_ping", this::ping);
    r.add("GET", "/version", (q, s) -> Json.send(s, 200, version()));
    r.add("GET", "/info", (q, s) -> Json.send(s, 200, info()));
    r.add("GET", "/events", this::events);
    r.add("GET", "/system/df", this::df);
  }

  private void ping(HttpRequest q, HttpResponse s) {
    s.header("API-Version", Router.API_VERSION)
        .header("OSType", "linux")
        .header("Docker-Experimental", "false")
        .header("Builder-Version", "1")
        .header("Swarm", SwarmJson.pingHeader(swarmInfo()))
        .header("Cache-Control", "no-cache, no-store, must-revalidate")
        .header("Pragma", "no-cache");
    s.send(200, "text/plain; charset=utf-8", "OK".getBytes(StandardCharsets.UTF_8));
  }

  private SwarmInfo swarmInfo() {
    return swarm.map(SwarmMembership::info).orElse(SwarmInfo.INACTIVE);
  }

  ObjectNode version() {
    ObjectNode o = Json.object();
    o.putObject("Platform").put("Name", "Berth Engine " + DaemonInfo.VERSION);
    ArrayNode comps = o.putArray("Components");
    ObjectNode engine = comps.addObject();
    engine.put("Name", "Engine");
    engine.put("Version", DaemonInfo.DOCKER_API_RELEASE);
    engine.putObject("Details").put("ApiVersion", Router.API_VERSION)
        .put("MinAPIVersion", Router.MIN_API_VERSION).put("GitCommit", info.gitCommit())
        .put("Os", "linux").put("Arch", "amd64").put("KernelVersion", info.kernelVersion())
        .put("JavaVersion", Runtime.version().toString());
    comps.addObject().put("Name", "runc").put("Version", info.runcVersion());
    comps.addObject().put("Name", "Berth").put("Version", DaemonInfo.VERSION)
        .putObject("Details").put("GitCommit", info.gitCommit());
    o.put("Version", DaemonInfo.DOCKER_API_RELEASE);
    o.put("ApiVersion", Router.API_VERSION);
    o.put("MinAPIVersion", Router.MIN_API_VERSION);
    o.put("GitCommit", info.gitCommit());
    o.put("GoVersion", "java" + Runtime.version().feature());
    o.put("Os", "linux");
    o.put("Arch", "amd64");
    o.put("KernelVersion", info.kernelVersion());
    o.put("BuildTime", info.startedAt());
    return o;
  }

  ObjectNode info() {
    EngineUsage.Counts counts = usage.counts();
    ObjectNode o = Json.object();
    o.put("ID", info.id());
    o.put("Containers", counts.containers());
    o.put("ContainersRunning", counts.running());
    o.put("ContainersPaused", counts.paused());
    o.put("ContainersStopped", counts.stopped());
    o.put("Images", counts.images());
    o.put("Driver", "overlay2");
    ArrayNode ds = o.putArray("DriverStatus");
    ds.addArray().add("Backing Filesystem").add("extfs");
    o.put("DockerRootDir", info.dataRoot());
    o.putObject("Plugins").set("Volume", Json.array().add("local"));
    ((ObjectNode) o.get("Plugins")).set("Network", Json.array().add("bridge").add("host").add("null"));
    ((ObjectNode) o.get("Plugins")).set("Log", Json.array().add("json-file").add("local").add("none"));
    o.put("MemoryLimit", true);
    o.put("SwapLimit", true);
    o.put("CpuCfsPeriod", true);
    o.put("CpuCfsQuota", true);
    o.put("PidsLimit", true);
    o.put("IPv4Forwarding", true);
    o.put("Debug", false);
    o.put("NFd", 0);
    o.put("NGoroutines", Thread.activeCount());
    o.put("SystemTime", Instant.now().toString());
    o.put("LoggingDriver", containers.defaultLogDriver());
    o.put("CgroupDriver", "cgroupfs");
    o.put("CgroupVersion", info.cgroupVersion());
    o.put("NEventsListener", 0);
    o.put("KernelVersion", info.kernelVersion());
    o.put("OperatingSystem", info.operatingSystem());
    o.put("OSVersion", "");
    o.put("OSType", "linux");
    o.put("Architecture", "x86_64");
    o.put("NCPU", Runtime.getRuntime().availableProcessors());
    o.put("MemTotal", info.memTotal());
    o.put("IndexServerAddress", "https://index.docker.io/v1/");
    o.putObject("RegistryConfig").putArray("InsecureRegistryCIDRs").add("127.0.0.0/8");
    o.putArray("GenericResources");
    o.put("HttpProxy", "");
    o.put("HttpsProxy", "");
    o.put("NoProxy", "");
    o.put("Name", info.hostname());
    o.putArray("Labels");
    o.put("ExperimentalBuild", false);
    o.put("ServerVersion", DaemonInfo.DOCKER_API_RELEASE);
    o.putObject("Runtimes").putObject("runc").put("path", "runc");
    o.put("DefaultRuntime", "runc");
    o.set("Swarm", SwarmJson.info(swarmInfo()));
    o.put("LiveRestoreEnabled", true);
    o.put("Isolation", "");
    o.put("InitBinary", "docker-init");
    o.putObject("ContainerdCommit").put("ID", "");
    o.putObject("RuncCommit").put("ID", info.runcVersion());
    o.putObject("InitCommit").put("ID", "tini");
    o.putArray("SecurityOptions").add("name=seccomp,profile=builtin");
    o.putArray("Warnings");
    return o;
  }

  private void events(HttpRequest q, HttpResponse s) throws Exception {
    Instant since = Timestamps.parse(q.query("since"));
    Instant until = Timestamps.parse(q.query("until"));
    JsonNode filters = ContainerRoutes.filtersJson(q.query("filters"));
    OutputStream out = s.stream(200, "application/json");
    LinkedBlockingQueue<ObjectNode> queue = new LinkedBlockingQueue<>(10_000);
    try (AutoCloseable sub = events.subscribe(queue::offer)) {
      long fromNanos = since == null ? Long.MAX_VALUE
          : since.getEpochSecond() * 1_000_000_000L + since.getNano();
      long untilNanos = until == null ? Long.MAX_VALUE
          : until.getEpochSecond() * 1_000_000_000L + until.getNano();
      long lastSent = 0;
      if (since != null) {
        for (ObjectNode e : events.since(fromNanos)) {
          if (e.get("timeNano").asLong() > untilNanos) {
            break;
          }
          if (matches(e, filters)) {
            out.write(Json.line(e));
          }
          lastSent = e.get("timeNano").asLong();
        }
      }
      while (true) {
        if (until != null && Instant.now().isAfter(until)) {
          break;
        }
        ObjectNode e = queue.poll(200, TimeUnit.MILLISECONDS);
        if (e == null) {
          out.write(new byte[0]);
          continue;
        }
        long t = e.get("timeNano").asLong();
        if (t <= lastSent || t > untilNanos) {
          continue;
        }
        if (matches(e, filters)) {
          try {
            out.write(Json.line(e));
          } catch (IOException gone) {
            return;
          }
        }
      }
      out.close();
    }
  }

  /** Docker's event filters: type, event/action, container, image, label, service, node, scope. */
  static boolean matches(ObjectNode e, JsonNode filters) {
    for (Iterator<Map.Entry<String, JsonNode>> it = filters.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      boolean any = false;
      List<String> values = new java.util.ArrayList<>();
      if (f.getValue().isArray()) {
        f.getValue().forEach(v -> values.add(v.asText()));
      } else {
        f.getValue().fieldNames().forEachRemaining(values::add);
      }
      JsonNode attrs = e.path("Actor").path("Attributes");
      for (String v : values) {
        any |= switch (f.getKey()) {
          case "type" -> e.path("Type").asText().equals(v);
          case "event" -> e.path("Action").asText().equals(v) || e.path("Action").asText().startsWith(v + ":");
          case "container" -> e.path("Type").asText().equals("container")
              && (e.path("Actor").path("ID").asText().startsWith(v) || attrs.path("name").asText().equals(v));
          case "image" -> attrs.path("image").asText().equals(v) || attrs.path("name").asText().equals(v);
          case "service", "node" -> e.path("Type").asText().equals(f.getKey())
              && (e.path("Actor").path("ID").asText().startsWith(v) || attrs.path("name").asText().equals(v));
          case "scope" -> e.path("scope").asText().equals(v);
          case "label" -> {
            int eq = v.indexOf('=');
            yield eq < 0 ? attrs.has(v) : attrs.path(v.substring(0, eq)).asText().equals(v.substring(eq + 1));
          }
          default -> false;
        };
      }
      if (!any) {
        return false;
      }
    }
    return true;
  }

  private void df(HttpRequest q, HttpResponse s) {
    EngineUsage.DiskUsage df = usage.diskUsage();
    ObjectNode o = Json.object();
    ArrayNode imgs = o.putArray("Images");
    for (ImageService.Listed l : df.images()) {
      Image i = l.image();
      ObjectNode io = imgs.addObject();
      io.put("Id", i.id().toString());
      io.put("ParentId", "");
      ArrayNode tags = io.putArray("RepoTags");
      i.repoTags().forEach(tags::add);
      io.putArray("RepoDigests");
      io.put("Created", i.created().getEpochSecond());
      io.put("Size", i.size());
      io.put("SharedSize", 0);
      io.put("VirtualSize", i.size());
      io.putObject("Labels");
      io.put("Containers", l.containers());
    }
    o.put("LayersSize", df.layersSize());
    ArrayNode cs = o.putArray("Containers");
    for (EngineUsage.ContainerUsage c : df.containers()) {
      ObjectNode entry = views.listEntry(c.container(), c.layerSize());
      entry.put("SizeRootFs", 0);
      cs.add(entry);
    }
    ArrayNode vs = o.putArray("Volumes");
    for (VolumeService.Usage v : df.volumes()) {
      ObjectNode vo = v.volume().deepCopy();
      vo.putObject("UsageData").put("Size", v.size()).put("RefCount", v.refCount());
      vs.add(vo);
    }
    o.putArray("BuildCache");
    Json.send(s, 200, o);
  }
}
