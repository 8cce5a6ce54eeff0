package io.berth.daemon.container;

import io.berth.daemon.events.EventBus;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.NotImplementedException;
import io.berth.runtime.AttachChannel;
import io.berth.runtime.ContainerRuntime;
import io.berth.runtime.ExecSession;
import io.berth.runtime.LogReader;
import io.berth.runtime.log.LogOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What clients read from and write to a container's processes: its log and attach streams, its
 * stdin, its terminal's size, its stats and process list, and new processes in it (exec). The
 * routes translate these to Docker's wire shapes; how the runtime is reached (conmon's attach
 * socket under the container's state directory, the log under its directory) stays here.
 * Output of attached clients is read from the log file (decision 0003), so nothing the
 * container printed between start and attach is lost.
 */
public final class ContainerStreams {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerStreams.class);
  private final ContainerService containers;
  private final ContainerRuntime runtime;
  private final ContainerPaths paths;
  private final ContainerLogging logging;
  private final LogReader logs;
  private final EventBus events;

  public ContainerStreams(ContainerService containers, ContainerRuntime runtime, ContainerPaths paths,
      ContainerLogging logging, LogReader logs, EventBus events) {
    this.containers = containers;
    this.runtime = runtime;
    this.paths = paths;
    this.logging = logging;
    this.logs = logs;
    this.events = events;
  }

  /**
   * A read of {@code c}'s log ({@code docker logs}); refused when its logging driver keeps no
   * log to read. {@code details}: with the attributes {@code --details} prints.
   */
  public LogRead logs(Container c, boolean details) {
    LogOptions options = logging.options(c);
    if (!options.driver().readable()) {
      throw new NotImplementedException("configured logging driver does not support reading");
    }
    return new LogRead(c, containers.currentExit(c.id), details ? LogAttributes.of(c, options) : null);
  }

  /** One {@code logs} request: followed while the run it started in goes on. */
  public final class LogRead {
    private final Container c;
    private final CompletableFuture<Integer> exit;
    private final SortedMap<String, String> details;

    private LogRead(Container c, CompletableFuture<Integer> exit, SortedMap<String, String> details) {
      this.c = c;
      this.exit = exit;
      this.details = details;
    }

    /** The attributes to print before each line, or null without {@code --details}. */
    public SortedMap<String, String> details() {
      return details;
    }

    /** Entries to {@code sink}: the last {@code tail} (negative: all) within since/until (null: open). */
    public void read(int tail, Instant since, Instant until, boolean follow, LogReader.Sink sink)
        throws InterruptedException {
      logs.read(logging.path(c), tail, since, until, follow,
          () -> exit != null && !exit.isDone() && c.state.running(), sink);
    }
  }

  /**
   * An attach to {@code c} ({@code docker attach}, {@code run} without {@code -d}), taken before
   * the client's stream opens, so an exit in between is not missed. {@code withLogs}: replay the
   * log from its start (when the driver keeps one: a none driver's buffer is not a log).
   */
  public Attachment attach(Container c, boolean withLogs) {
    CompletableFuture<Integer> nextExit = c.state.running()
        ? containers.currentExit(c.id) : containers.waitFor(c.id, "next-exit");
    if (nextExit == null) {
      nextExit = containers.waitFor(c.id, "next-exit");
    }
    Instant from = withLogs && logging.options(c).driver().readable() ? null : Instant.now();
    return new Attachment(c, nextExit, from);
  }

  /** One attached client: its input to the container's stdin, the container's output to it. */
  public final class Attachment {
    private final Container c;
    private final CompletableFuture<Integer> exit;
    private final Instant from;

    private Attachment(Container c, CompletableFuture<Integer> exit, Instant from) {
      this.c = c;
      this.exit = exit;
      this.from = from;
    }

    /** Announces the attach (the {@code attach} event), once the client's stream is open. */
    public void opened() {
      events.publish("container", "attach", c.id, Map.of("name", c.name, "image", c.imageName));
    }

    /**
     * Feeds {@code in} to the container's stdin once it runs, on a thread of its own, when the
     * container keeps stdin open ({@code -i}); otherwise the input is not read.
     */
    public void feedStdin(InputStream in) {
      if (!c.configSpec().openStdin()) {
        return;
      }
      // a platform thread: writes to conmon are native calls that would pin a virtual thread's carrier
      Thread.ofPlatform().daemon().name("stdin-" + c.shortId()).start(() -> pumpStdin(in));
    }

    /** Waits for the run to end (an attach that asked for no output). */
    public void awaitExit() throws InterruptedException {
      try {
        exit.get();
      } catch (ExecutionException e) {
        LOG.debug("attach wait: {}", e.toString());
      }
    }

    /**
     * The container's output to {@code sink} until the run ends ({@code follow}) or what is
     * written is read; without logs only output from now on: files last written before are not
     * even opened.
     */
    public void readOutput(boolean follow, LogReader.Sink sink) throws InterruptedException {
      Path path = logging.path(c);
      while (!Files.exists(path) && !exit.isDone()) {
        Thread.sleep(5);
      }
      logs.read(path, -1, from, null, follow, () -> !exit.isDone(), sink);
    }

    private void pumpStdin(InputStream in) {
      try {
        while (!c.state.is(ContainerStatus.RUNNING) && !exit.isDone()) {
          Thread.sleep(5);
        }
        if (exit.isDone()) {
          return;
        }
        try (AttachChannel ch = runtime.attach(c.id, paths.state(c.id))) {
          byte[] buf = new byte[8192];
          int n;
          while ((n = in.read(buf)) > 0) {
            ch.writeStdin(buf, 0, n);
          }
          if (c.configSpec().stdinOnce()) {
            ch.closeStdin();
          }
        }
      } catch (IOException | UncheckedIOException | BerthException e) {
        LOG.debug("stdin of {} ended: {}", c.id, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Sets the size of a running container's terminal; without a TTY there is none to size. */
  public void resize(Container c, int height, int width) {
    if (!c.state.is(ContainerStatus.RUNNING)) {
      throw new ConflictException("container " + c.id + " is not running");
    }
    if (c.tty()) {
      try (AttachChannel ch = runtime.attach(c.id, paths.state(c.id))) {
        ch.resize(height, width);
      }
    }
  }

  /** A sample of the container's resource use; empty when it does not run (nothing to measure). */
  public Optional<ContainerRuntime.Stats> stats(Container c) {
    if (!c.state.is(ContainerStatus.RUNNING, ContainerStatus.PAUSED)) {
      return Optional.empty();
    }
    return Optional.of(runtime.stats(c.id));
  }

  /** The container's own usage (no page cache, no host CPU time): metrics; empty when it does not run. */
  public Optional<ContainerRuntime.Stats> usage(Container c) {
    if (!c.state.is(ContainerStatus.RUNNING, ContainerStatus.PAUSED)) {
      return Optional.empty();
    }
    return Optional.of(runtime.usage(c.id));
  }

  /** One reading of {@code docker stats}: when it was taken and what it measured. */
  public record StatsSample(Instant read, Optional<ContainerRuntime.Stats> stats) {}

  /** Where readings go; false when the reader has gone and sampling should stop. */
  public interface StatsSink {
    boolean accept(StatsSample previous, StatsSample now);
  }

  /**
   * Docker's pacing of {@code docker stats}: a stream is read once a second; a single answer
   * ({@code stream=false}) is read twice, 500 ms apart, so that its CPU figures have a previous
   * reading to be a rate against, unless the client asked for {@code one-shot}.
   */
  public void sampleStats(Container c, boolean stream, boolean oneShot, StatsSink sink) throws InterruptedException {
    StatsSample previous = null;
    if (!stream && !oneShot) {
      previous = new StatsSample(Instant.now(), stats(c));
      Thread.sleep(500);
    }
    while (true) {
      StatsSample now = new StatsSample(Instant.now(), stats(c));
      if (!sink.accept(previous, now) || !stream) {
        return;
      }
      previous = now;
      Thread.sleep(1000);
    }
  }

  /** {@code docker top}: the header row, then one row per process, as ps prints them with {@code psArgs}. */
  public List<List<String>> top(Container c, List<String> psArgs) {
    if (!c.state.is(ContainerStatus.RUNNING, ContainerStatus.PAUSED)) {
      throw new ConflictException("container " + c.id + " is not running");
    }
    return runtime.top(c.id, psArgs);
  }

  /** Starts a new process in the running container {@code c}. */
  public ExecSession exec(Container c, ContainerRuntime.ExecSpec spec) {
    return runtime.exec(c.id, spec, paths.state(c.id));
  }
}
