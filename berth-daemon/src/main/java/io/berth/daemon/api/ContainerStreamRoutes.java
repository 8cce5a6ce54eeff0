package io.berth.daemon.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerStatus;
import io.berth.daemon.container.ContainerService;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import io.berth.errdefs.ConflictException;
import io.berth.runtime.AttachChannel;
import io.berth.runtime.ContainerRuntime;
import io.berth.runtime.LogReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import io.berth.daemon.container.LogAttributes;
import io.berth.errdefs.NotImplementedException;
import io.berth.runtime.log.LogOptions;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Container endpoints that stream: logs, attach (hijacked), wait (headers first, body at exit),
 * stats and terminal resize. Output of attached clients is read from the log file, so nothing
 * the container printed between start and attach is lost.
 */
public final class ContainerStreamRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerStreamRoutes.class);
  private final ContainerService containers;
  private final LogReader logs;

  public ContainerStreamRoutes(ContainerService containers, LogReader logs) {
    this.containers = containers;
    this.logs = logs;
  }

  public void register(Router r) {
    r.add("GET", "/containers/{id}/logs", this::logs);
    r.add("POST", "/containers/{id}/attach", this::attach);
    r.add("POST", "/containers/{id}/wait", this::waitFor);
    r.add("GET", "/containers/{id}/stats", this::stats);
    r.add("POST", "/containers/{id}/resize", this::resize);
  }

  private void logs(HttpRequest q, HttpResponse s) throws Exception {
    Container c = containers.get(q.param("id"));
    boolean stdout = q.flag("stdout");
    boolean stderr = q.flag("stderr");
    if (!stdout && !stderr) {
      throw new io.berth.errdefs.InvalidArgumentException(
          "Bad parameters: you must choose at least one stream");
    }
    LogOptions options = containers.logging().options(c);
    if (!options.driver().readable()) {
      throw new NotImplementedException("configured logging driver does not support reading");
    }
    boolean follow = q.flag("follow");
    boolean timestamps = q.flag("timestamps");
    String tailQ = q.query("tail");
    int tail = tailQ == null || tailQ.isEmpty() || tailQ.equals("all") ? -1
        : ContainerRoutes.parseInt(tailQ, "tail");
    Instant since = q.query("since") == null || q.query("since").equals("0") ? null : Timestamps.parse(q.query("since"));
    Instant until = q.query("until") == null || q.query("until").equals("0") ? null : Timestamps.parse(q.query("until"));
    boolean raw = c.tty();
    OutputStream out = s.stream(200, raw ? "application/vnd.docker.raw-stream"
        : "application/vnd.docker.multiplexed-stream");
    CompletableFuture<Integer> exit = containers.currentExit(c.id);
    java.nio.file.Path path = containers.logPath(c);
    try (LogStream sink = new LogStream(out, raw, stdout, stderr, timestamps,
        q.flag("details") ? LogAttributes.of(c, options) : null)) {
      logs.read(path, tail, since, until, follow,
          () -> exit != null && !exit.isDone() && c.state.running(), sink);
    }
  }

  private void attach(HttpRequest q, HttpResponse s) throws Exception {
    Container c = containers.get(q.param("id"));
    boolean stream = q.flag("stream");
    boolean stdin = q.flag("stdin");
    boolean stdout = q.flag("stdout");
    boolean stderr = q.flag("stderr");
    boolean withLogs = q.flag("logs");
    if (!stream && !withLogs) {
      throw new io.berth.errdefs.InvalidArgumentException("Bad parameters: you must choose at least one stream");
    }
    CompletableFuture<Integer> nextExit = c.state.running()
        ? containers.currentExit(c.id) : containers.waitFor(c.id, "next-exit");
    if (nextExit == null) {
      nextExit = containers.waitFor(c.id, "next-exit");
    }
    boolean raw = c.tty();
    // the log is replayed only if asked for and kept (a none driver's buffer is not a log)
    Instant from = withLogs && containers.logging().options(c).driver().readable() ? null : Instant.now();
    HttpResponse.Hijacked h = s.hijack(q.wantsUpgrade(), raw ? "application/vnd.docker.raw-stream"
        : "application/vnd.docker.multiplexed-stream");
    containers.events().publish("container", "attach", c.id,
        java.util.Map.of("name", c.name, "image", c.imageName));
    if (stdin && c.config.path("OpenStdin").asBoolean(false)) {
      CompletableFuture<Integer> exitF = nextExit;
      // a platform thread: writes to conmon are native calls that would pin a virtual thread's carrier
      Thread.ofPlatform().daemon().name("stdin-" + c.shortId()).start(() -> pumpStdin(c, h.in(), exitF));
    }
    if (!stdout && !stderr) {
      try {
        nextExit.get();
      } catch (ExecutionException e) {
        LOG.debug("attach wait: {}", e.toString());
      }
      return;
    }
    CompletableFuture<Integer> exitF = nextExit;
    java.nio.file.Path path = containers.logPath(c);
    while (!java.nio.file.Files.exists(path) && !exitF.isDone()) {
      Thread.sleep(5);
    }
    // without logs=1 only output from now on: files last written before are not even opened
    LogStream sink = new LogStream(h.out(), raw, stdout, stderr, false, null);
    logs.read(path, -1, from, null, stream, () -> !exitF.isDone(), sink);
    sink.send();
  }

  /** Feeds the client's input to the container's stdin once the container runs. */
  private void pumpStdin(Container c, InputStream in, CompletableFuture<Integer> exit) {
    try {
      while (!c.state.is(ContainerStatus.RUNNING) && !exit.isDone()) {
        Thread.sleep(5);
      }
      if (exit.isDone()) {
        return;
      }
      try (AttachChannel ch = containers.runtime().attach(c.id, containers.paths().state(c.id))) {
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
          ch.writeStdin(buf, 0, n);
        }
        if (c.config.path("StdinOnce").asBoolean(false)) {
          ch.closeStdin();
        }
      }
    } catch (IOException | UncheckedIOException | io.berth.errdefs.BerthException e) {
      LOG.debug("stdin of {} ended: {}", c.id, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void waitFor(HttpRequest q, HttpResponse s) throws Exception {
    Container c = containers.get(q.param("id"));
    CompletableFuture<Integer> f = containers.waitFor(c.id, q.query("condition"));
    OutputStream out = s.stream(200, "application/json");
    ObjectNode result = Json.object();
    try {
      result.put("StatusCode", f.get());
      if (!c.state.error.isEmpty()) {
        result.putObject("Error").put("Message", c.state.error);
      } else {
        result.putNull("Error");
      }
    } catch (ExecutionException e) {
      result.put("StatusCode", -1);
      result.putObject("Error").put("Message", String.valueOf(e.getCause().getMessage()));
    }
    out.write(Json.line(result));
    out.close();
  }

  private void stats(HttpRequest q, HttpResponse s) throws Exception {
    Container c = containers.get(q.param("id"));
    boolean stream = q.query("stream") == null || q.flag("stream");
    boolean oneShot = q.flag("one-shot");
    OutputStream out = s.stream(200, "application/json");
    ObjectNode previous = null;
    if (!stream && !oneShot) {
      previous = sample(c, null);
      Thread.sleep(500);
    }
    while (true) {
      ObjectNode now = sample(c, previous);
      try {
        out.write(Json.line(now));
      } catch (IOException e) {
        return;
      }
      if (!stream) {
        break;
      }
      previous = now;
      Thread.sleep(1000);
    }
    out.close();
  }

  private ObjectNode sample(Container c, ObjectNode previous) {
    ObjectNode o = Json.object();
    o.put("read", Instant.now().toString());
    o.put("preread", previous == null ? "0001-01-01T00:00:00Z" : previous.get("read").asText());
    o.put("name", "/" + c.name);
    o.put("id", c.id);
    ObjectNode cpu = o.putObject("cpu_stats");
    ObjectNode mem = o.putObject("memory_stats");
    ObjectNode pids = o.putObject("pids_stats");
    if (c.state.is(ContainerStatus.RUNNING, ContainerStatus.PAUSED)) {
      ContainerRuntime.Stats st = containers.runtime().stats(c.id);
      cpu.putObject("cpu_usage").put("total_usage", st.cpuTotalNanos())
          .put("usage_in_kernelmode", 0).put("usage_in_usermode", 0);
      cpu.put("system_cpu_usage", st.systemCpuNanos());
      cpu.put("online_cpus", st.onlineCpus());
      cpu.putObject("throttling_data").put("periods", 0).put("throttled_periods", 0).put("throttled_time", 0);
      mem.put("usage", st.memoryUsage());
      mem.put("limit", st.memoryLimit());
      mem.putObject("stats").put("cache", st.memoryCache()).put("total_inactive_file", st.memoryCache());
      pids.put("current", st.pids());
      if (st.pidsLimit() > 0) {
        pids.put("limit", st.pidsLimit());
      }
    }
    o.set("precpu_stats", previous == null ? Json.object() : previous.get("cpu_stats"));
    o.putObject("blkio_stats");
    o.put("num_procs", 0);
    o.putObject("storage_stats");
    return o;
  }

  private void resize(HttpRequest q, HttpResponse s) {
    Container c = containers.get(q.param("id"));
    int h = ContainerRoutes.parseInt(q.query("h") == null ? "0" : q.query("h"), "h");
    int w = ContainerRoutes.parseInt(q.query("w") == null ? "0" : q.query("w"), "w");
    if (!c.state.is(ContainerStatus.RUNNING)) {
      throw new ConflictException("container " + c.id + " is not running");
    }
    if (c.tty()) {
      try (AttachChannel ch = containers.runtime().attach(c.id, containers.paths().state(c.id))) {
        ch.resize(h, w);
      }
    }
    s.send(200, "text/plain", new byte[0]);
  }
}
