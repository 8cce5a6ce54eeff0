package io.berth.daemon.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.container.ContainerStreams;
import io.berth.daemon.events.Timestamps;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Container endpoints that stream: logs, attach (hijacked), wait (headers first, body at exit),
 * stats and terminal resize. The container side of each (stats pacing too) is {@link ContainerStreams}; here the
 * query becomes its arguments and its output Docker's frames.
 */
public final class ContainerStreamRoutes {
  private final ContainerService containers;
  private final ContainerStreams streams;

  public ContainerStreamRoutes(ContainerService containers, ContainerStreams streams) {
    this.containers = containers;
    this.streams = streams;
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
      throw new InvalidArgumentException("Bad parameters: you must choose at least one stream");
    }
    ContainerStreams.LogRead read = streams.logs(c, q.flag("details"));
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
    try (LogStream sink = new LogStream(out, raw, stdout, stderr, timestamps, read.details())) {
      read.read(tail, since, until, follow, sink);
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
      throw new InvalidArgumentException("Bad parameters: you must choose at least one stream");
    }
    ContainerStreams.Attachment attachment = streams.attach(c, withLogs);
    boolean raw = c.tty();
    HttpResponse.Hijacked h = s.hijack(q.wantsUpgrade(), raw ? "application/vnd.docker.raw-stream"
        : "application/vnd.docker.multiplexed-stream");
    attachment.opened();
    if (stdin) {
      attachment.feedStdin(h.in());
    }
    if (!stdout && !stderr) {
      attachment.awaitExit();
      return;
    }
    LogStream sink = new LogStream(h.out(), raw, stdout, stderr, false, null);
    attachment.readOutput(stream, sink);
    sink.send();
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
    OutputStream out = s.stream(200, "application/json");
    streams.sampleStats(c, stream, q.flag("one-shot"), (previous, now) -> {
      try {
        out.write(Json.line(StatsJson.of(c, previous, now)));
        return true;
      } catch (IOException e) {
        return false; // the client has gone
      }
    });
    out.close();
  }

  private void resize(HttpRequest q, HttpResponse s) {
    Container c = containers.get(q.param("id"));
    int h = ContainerRoutes.parseInt(q.query("h") == null ? "0" : q.query("h"), "h");
    int w = ContainerRoutes.parseInt(q.query("w") == null ? "0" : q.query("w"), "w");
    streams.resize(c, h, w);
    s.send(200, "text/plain", new byte[0]);
  }
}
