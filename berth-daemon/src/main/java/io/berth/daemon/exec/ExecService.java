package io.berth.daemon.exec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerStatus;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.container.ContainerStreams;
import io.berth.daemon.events.EventBus;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.runtime.ContainerRuntime;
import io.berth.runtime.ExecSession;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exec instances as the Engine API models them: created with a config, started once (attached
 * or detached), inspected for the exit code afterwards. Instances are kept in memory only, as
 * dockerd does, and dropped with their container.
 */
public final class ExecService {
  private final ContainerService containers;
  private final ContainerStreams streams;
  private final EventBus events;
  private final Map<String, Exec> execs = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  /** One exec instance; fields written by the starting thread, read by inspect. */
  public static final class Exec {
    public final String id;
    public final String containerId;
    public final ContainerRuntime.ExecSpec spec;
    public final boolean attachStdout;
    public final boolean attachStderr;
    public volatile boolean running;
    public volatile boolean started;
    public volatile Integer exitCode;
    public volatile int pid;
    public volatile ExecSession session;

    Exec(String id, String containerId, ContainerRuntime.ExecSpec spec, boolean out, boolean err) {
      this.id = id;
      this.containerId = containerId;
      this.spec = spec;
      this.attachStdout = out;
      this.attachStderr = err;
    }
  }

  public ExecService(ContainerService containers, ContainerStreams streams, EventBus events) {
    this.containers = containers;
    this.streams = streams;
    this.events = events;
  }

  public Exec create(String containerRef, ObjectNode body) {
    Container c = containers.get(containerRef);
    if (!c.state.is(ContainerStatus.RUNNING)) {
      throw new ConflictException("container " + c.id + " is not running");
    }
    List<String> cmd = new ArrayList<>();
    body.path("Cmd").forEach(x -> cmd.add(x.asText()));
    if (cmd.isEmpty()) {
      throw new InvalidArgumentException("No exec command specified");
    }
    List<String> env = new ArrayList<>();
    body.path("Env").forEach(x -> env.add(x.asText()));
    ContainerRuntime.ExecSpec spec = new ContainerRuntime.ExecSpec(cmd, env,
        emptyToNull(body.path("User").asText("")), emptyToNull(body.path("WorkingDir").asText("")),
        body.path("Tty").asBoolean(false), body.path("AttachStdin").asBoolean(false),
        body.path("Privileged").asBoolean(false));
    byte[] b = new byte[32];
    random.nextBytes(b);
    Exec e = new Exec(HexFormat.of().formatHex(b), c.id, spec,
        body.path("AttachStdout").asBoolean(false), body.path("AttachStderr").asBoolean(false));
    execs.put(e.id, e);
    events.publish("container", "exec_create: " + String.join(" ", cmd), c.id,
        Map.of("name", c.name, "image", c.imageName, "execID", e.id));
    return e;
  }

  public Exec get(String id) {
    Exec e = execs.get(id);
    if (e == null) {
      throw new NotFoundException("No such exec instance: " + id);
    }
    return e;
  }

  /**
   * Starts the process with its terminal (if it has one) of {@code consoleSize} (null: unknown);
   * the caller streams its output and completes the exit code.
   */
  public ExecSession start(Exec e, ContainerRuntime.ConsoleSize consoleSize) {
    synchronized (e) {
      if (e.started) {
        throw new ConflictException("Error: Exec command " + e.id + " has already run");
      }
      e.started = true;
    }
    Container c = containers.get(e.containerId);
    if (!c.state.is(ContainerStatus.RUNNING)) {
      throw new ConflictException("container " + c.id + " is not running");
    }
    ExecSession s = streams.exec(c, e.spec.withConsoleSize(consoleSize));
    e.session = s;
    e.pid = s.pid();
    e.running = true;
    events.publish("container", "exec_start: " + String.join(" ", e.spec.args()), c.id,
        Map.of("name", c.name, "image", c.imageName, "execID", e.id));
    s.exitCode().whenComplete((code, err) -> {
      e.exitCode = err == null ? code : 126;
      e.running = false;
      events.publish("container", "exec_die", c.id,
          Map.of("name", c.name, "image", c.imageName, "execID", e.id,
              "exitCode", String.valueOf(e.exitCode)));
    });
    return s;
  }

  /**
   * {@code Detach: true}: starts the process with nobody attached; its input is closed and its
   * output read and dropped on a thread of its own until it exits.
   */
  public void startDetached(Exec e, ContainerRuntime.ConsoleSize consoleSize) {
    ExecSession session = start(e, consoleSize);
    try {
      session.stdin().close();
    } catch (IOException ignored) {
      // the process may already be gone; its output is still drained below
    }
    Thread.ofVirtual().start(() -> drain(session));
  }

  private static void drain(ExecSession s) {
    try (s) {
      s.stdout().transferTo(OutputStream.nullOutputStream());
      s.stderr().transferTo(OutputStream.nullOutputStream());
      s.exitCode().join();
    } catch (IOException ignored) {
      // finished
    }
  }

  /** Resizes a started exec's terminal; one without a TTY has none to size, as in Docker. */
  public void resize(Exec e, int height, int width) {
    ExecSession session = e.session;
    if (session == null) {
      throw new ConflictException("exec " + e.id + " has not started: nothing to resize yet");
    }
    if (e.spec.tty()) {
      session.resize(height, width);
    }
  }

  /** Drops instances of containers that are gone. */
  public void forgetContainer(String containerId) {
    execs.values().removeIf(e -> e.containerId.equals(containerId));
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
