package io.berth.daemon.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.http.StreamFrames;
import io.berth.daemon.exec.ExecService;
import io.berth.daemon.exec.ExecService.Exec;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import io.berth.runtime.ContainerRuntime;
import io.berth.runtime.ExecSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code docker exec}: create, start (hijacked or detached), inspect and resize. */
public final class ExecRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ExecRoutes.class);
  private final ExecService execs;

  public ExecRoutes(ExecService execs) {
    this.execs = execs;
  }

  public void register(Router r) {
    r.add("POST", "/containers/{id}/exec", this::create);
    r.add("POST", "/exec/{id}/start", this::start);
    r.add("GET", "/exec/{id}/json", this::inspect);
    r.add("POST", "/exec/{id}/resize", this::resize);
  }

  private void create(HttpRequest q, HttpResponse s) throws IOException {
    Exec e = execs.create(q.param("id"), Json.body(q));
    Json.send(s, 201, Json.object().put("Id", e.id));
  }

  private void start(HttpRequest q, HttpResponse s) throws Exception {
    ObjectNode body = Json.body(q);
    Exec e = execs.get(q.param("id"));
    boolean detach = body.path("Detach").asBoolean(false);
    var size = body.path("ConsoleSize");
    ContainerRuntime.ConsoleSize consoleSize = size.isArray() && size.size() == 2 && size.get(0).asInt() > 0
        && size.get(1).asInt() > 0 ? new ContainerRuntime.ConsoleSize(size.get(0).asInt(), size.get(1).asInt()) : null;
    if (detach) {
      execs.startDetached(e, consoleSize);
      s.send(200, "application/json", new byte[0]);
      return;
    }
    ExecSession session = execs.start(e, consoleSize);
    boolean raw = e.spec.tty();
    HttpResponse.Hijacked h = s.hijack(q.wantsUpgrade(), raw ? "application/vnd.docker.raw-stream"
        : "application/vnd.docker.multiplexed-stream");
    if (e.spec.attachStdin()) {
      Thread.ofVirtual().start(() -> {
        try (OutputStream in = session.stdin()) {
          h.in().transferTo(in);
        } catch (IOException ex) {
          LOG.debug("exec stdin ended: {}", ex.toString());
        }
      });
    } else {
      session.stdin().close();
    }
    Thread err = Thread.ofVirtual().start(() -> copy(session.stderr(), h.out(), raw, StreamFrames.STDERR,
        e.attachStderr));
    copy(session.stdout(), h.out(), raw, StreamFrames.STDOUT, e.attachStdout);
    err.join();
    session.exitCode().join();
    h.out().flush();
  }

  private static void copy(InputStream in, OutputStream out, boolean raw, int stream, boolean forward) {
    byte[] buf = new byte[32 * 1024];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        if (forward) {
          StreamFrames.write(out, raw, stream, buf, 0, n);
        }
      }
    } catch (IOException ex) {
      LOG.debug("exec output ended: {}", ex.toString());
    }
  }

  private void inspect(HttpRequest q, HttpResponse s) {
    Exec e = execs.get(q.param("id"));
    ObjectNode o = Json.object();
    o.put("ID", e.id);
    o.put("Running", e.running);
    if (e.exitCode == null) {
      o.putNull("ExitCode");
    } else {
      o.put("ExitCode", e.exitCode);
    }
    ObjectNode pc = o.putObject("ProcessConfig");
    pc.put("tty", e.spec.tty());
    pc.put("entrypoint", e.spec.args().getFirst());
    ArrayNode args = pc.putArray("arguments");
    e.spec.args().stream().skip(1).forEach(args::add);
    pc.put("privileged", e.spec.privileged());
    pc.put("user", e.spec.user() == null ? "" : e.spec.user());
    o.put("OpenStdin", e.spec.attachStdin());
    o.put("OpenStderr", e.attachStderr);
    o.put("OpenStdout", e.attachStdout);
    o.put("CanRemove", false);
    o.put("ContainerID", e.containerId);
    o.put("DetachKeys", "");
    o.put("Pid", e.pid);
    Json.send(s, 200, o);
  }

  private void resize(HttpRequest q, HttpResponse s) {
    Exec e = execs.get(q.param("id"));
    int h = ContainerRoutes.parseInt(q.query("h"), "h");
    int w = ContainerRoutes.parseInt(q.query("w"), "w");
    execs.resize(e, h, w);
    s.send(200, "text/plain", new byte[0]);
  }
}
