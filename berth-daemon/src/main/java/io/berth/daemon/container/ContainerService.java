package io.berth.daemon.container;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.events.EventBus;
import io.berth.daemon.volume.VolumeStore;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.DiskFull;
import io.berth.errdefs.NotFoundException;
import io.berth.runtime.ContainerRuntime;
import io.berth.store.image.ImageStore;
import io.berth.store.snapshot.Snapshotter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container lifecycle: create, start, stop, kill, restart, remove, wait, rename, pause.
 * Every state change happens under the container's monitor and is persisted before it is
 * announced. Exits are observed through the runtime's exit files on one virtual thread per
 * running container, which then applies the restart policy or auto-removal.
 */
public final class ContainerService {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerService.class);
  private final ContainerRepository repo;
  private final ContainerFactory factory;
  private final ContainerRunner runner;
  private final ContainerRuntime runtime;
  private final Snapshotter snapshotter;
  private final ImageStore images;
  private final VolumeStore volumes;
  private final ContainerPaths paths;
  private final EventBus events;
  private final Clock clock;
  private final ExitWaiters waiters = new ExitWaiters();
  private final Map<String, CompletableFuture<Integer>> exits = new ConcurrentHashMap<>();
  private volatile HealthMonitor health;
  private final ContainerNetworks networks;
  private final MountPlanner mounts;
  private final ContainerFilesystems filesystems;
  private final ContainerUpdater updater;
  private final ContainerLogging logging;

  public ContainerService(ContainerRepository repo, ImageStore images, Snapshotter snapshotter,
      ContainerRuntime runtime, ContainerNetworks network, VolumeStore volumes, ContainerPaths paths,
      ContainerLogging logging, EventBus events, Clock clock) {
    this.logging = logging;
    this.repo = repo;
    this.images = images;
    this.snapshotter = snapshotter;
    this.runtime = runtime;
    this.volumes = volumes;
    this.paths = paths;
    this.events = events;
    this.clock = clock;
    this.factory = new ContainerFactory(images, new NameGenerator(repo::nameTaken));
    this.networks = network;
    this.mounts = new MountPlanner(volumes, repo::all);
    this.filesystems = new ContainerFilesystems(snapshotter, paths, mounts, repo);
    this.updater = new ContainerUpdater(runtime, repo);
    this.runner = new ContainerRunner(paths, snapshotter, runtime, network, mounts, logging, repo::get,
        filesystems::inUse);
  }

  public void healthMonitor(HealthMonitor monitor) {
    this.health = monitor;
  }

  /** Opens containers' files for cp, export and diff. */
  public ContainerFilesystems filesystems() {
    return filesystems;
  }

  public ContainerRepository repository() {
    return repo;
  }

  public ContainerRuntime runtime() {
    return runtime;
  }

  public ContainerPaths paths() {
    return paths;
  }

  public Container get(String ref) {
    return repo.get(ref);
  }

  /**
   * Creates a container: its files first, then its record, and only then is it visible, so that a
   * create the disk refuses leaves nothing behind (not even until a restart). The image's lease
   * keeps its layers while the root file system is prepared; an image removed meanwhile (its
   * removal saw no container using it) undoes the create.
   */
  public Container create(String name, ObjectNode body) {
    try (ImageStore.Lease lease = images.lease()) {
      Container c = factory.create(name, body);
      logging.configure(c.hostConfig);
      c.networks = networks.plan(c.hostConfig, body);
      ContainerTuning.of(c.hostConfig); // refuses bad ulimits, sysctls, ... before anything exists
      Links.parse(c.hostConfig).forEach(l -> repo.get(l.target())); // unknown names fail here, not at start
      mounts.createNamedVolumes(c.hostConfig);
      try {
        Files.createDirectories(paths.dir(c.id));
        snapshotter.prepare(c.id, images.resolve(c.imageId));
        repo.add(c);
      } catch (IOException e) {
        undoCreate(c);
        throw DiskFull.orUnchecked("creating the directory of container " + c.id, e);
      } catch (RuntimeException e) {
        undoCreate(c);
        throw e;
      }
      try {
        images.resolve(c.imageId);
      } catch (NotFoundException removed) {
        synchronized (c) {
          repo.remove(c);
        }
        undoCreate(c);
        throw new NotFoundException("No such image: " + c.imageName + " (removed while the container was created)");
      }
      emit(c, "create", Map.of());
      return c;
    }
  }

  private void undoCreate(Container c) {
    snapshotter.remove(c.id);
    VolumeStore.deleteTreeQuietly(paths.dir(c.id));
  }

  /** Starts a created or exited container; false when it was already running (HTTP 304). */
  public boolean start(String ref) {
    Container c = repo.get(ref);
    synchronized (c) {
      if (c.state.status.equals("running") || c.state.status.equals("paused")) {
        return false;
      }
      if (c.state.status.equals("removing")) {
        throw new ConflictException("container " + c.id + " is marked for removal and cannot be started");
      }
      c.state.manuallyStopped = false;
      try {
        startLocked(c);
      } catch (RuntimeException e) {
        if (c.hostConfig.path("AutoRemove").asBoolean(false)) {
          Thread.ofVirtual().start(() -> remove(c.id, true, true));
        }
        throw e;
      }
    }
    return true;
  }

  private void startLocked(Container c) {
    int pid;
    try {
      pid = runner.start(c);
    } catch (BerthException | java.io.UncheckedIOException e) {
      c.state.error = e.getMessage();
      c.state.exitCode = e.getMessage() != null && e.getMessage().contains("not found") ? 127 : 126;
      if (!c.state.everStarted) {
        c.state.status = "created";
      } else {
        c.state.status = "exited";
      }
      repo.saveOrRetry(c);
      complete(c, "next-exit", c.state.exitCode);
      throw e;
    }
    c.state.status = "running";
    c.state.pid = pid;
    c.state.error = "";
    c.state.exitCode = 0;
    c.state.oomKilled = false;
    c.state.everStarted = true;
    c.state.startedAt = clock.instant().toString();
    c.state.finishedAt = ContainerState.ZERO_TIME;
    if (c.config.has("Healthcheck") && health != null) {
      c.state.health = health.initialState(c);
    }
    repo.saveOrRetry(c);
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    exits.put(c.id, exit);
    emit(c, "start", Map.of());
    watch(c, exit);
    if (health != null) {
      health.watch(c);
    }
  }

  private void watch(Container c, CompletableFuture<Integer> exit) {
    Thread.ofVirtual().name("exit-" + c.shortId()).start(() -> {
      try {
        Optional<Integer> code = runtime.awaitExit(c.id, paths.state(c.id), Duration.ofDays(36500));
        onExit(c, code.orElse(255), exit);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.error("watching {} failed", c.id, e);
      }
    });
  }

  private void onExit(Container c, int code, CompletableFuture<Integer> exit) {
    boolean restart;
    Duration delay;
    synchronized (c) {
      if (!repo.all().contains(c)) {
        exit.complete(code);
        return;
      }
      boolean oom = oomKilled(c);
      try {
        runner.teardown(c);
      } catch (RuntimeException e) { // the exit is known: whatever the clean-up hit, waiters are answered
        LOG.warn("cleaning up after {} exited: {}", c.id, e.toString());
      }
      c.state.status = "exited";
      c.state.pid = 0;
      c.state.exitCode = code;
      c.state.oomKilled = oom;
      c.state.finishedAt = clock.instant().toString();
      RestartPolicy policy = RestartPolicy.of(c.hostConfig);
      restart = policy.shouldRestart(code, c.state.manuallyStopped, c.state.restartCount);
      long ran = Duration.between(Instant.parse(c.state.startedAt), clock.instant()).toMillis();
      int attempt = ran > RestartPolicy.RESET_AFTER.toMillis() ? 0 : c.state.restartCount;
      delay = RestartPolicy.delay(attempt);
      if (restart) {
        c.state.status = "restarting";
      }
      repo.saveOrRetry(c);
    }
    if (oomKilledEvent(c)) {
      emit(c, "oom", Map.of());
    }
    emit(c, "die", Map.of("exitCode", Integer.toString(code)));
    exit.complete(code);
    complete(c, "next-exit", code);
    complete(c, "not-running", code);
    if (restart) {
      Thread.ofVirtual().start(() -> restartLater(c, delay));
    } else if (c.hostConfig.path("AutoRemove").asBoolean(false)) {
      try {
        remove(c.id, true, true); // as docker run --rm: anonymous volumes go with the container
      } catch (BerthException e) {
        LOG.debug("auto-remove of {}: {}", c.id, e.getMessage());
      }
    }
  }

  private boolean oomKilled(Container c) {
    try {
      return runtime.oomKilled(c.id);
    } catch (RuntimeException e) {
      LOG.warn("reading whether {} was killed for memory: {}", c.id, e.toString());
      return false;
    }
  }

  private boolean oomKilledEvent(Container c) {
    return c.state.oomKilled;
  }

  private void restartLater(Container c, Duration delay) {
    try {
      Thread.sleep(delay);
    } catch (InterruptedException e) {
      return;
    }
    synchronized (c) {
      if (!c.state.status.equals("restarting") || !repo.all().contains(c)) {
        return;
      }
      c.state.restartCount++;
      try {
        startLocked(c);
      } catch (BerthException | java.io.UncheckedIOException e) {
        LOG.warn("restart of {} failed: {}", c.name, e.getMessage());
        c.state.status = "exited";
        repo.saveOrRetry(c);
      }
    }
  }

  /** Stops with the container's stop signal, then SIGKILL after {@code timeout} seconds. */
  public boolean stop(String ref, Integer timeoutSeconds, String signal) {
    Container c = repo.get(ref);
    CompletableFuture<Integer> exit;
    synchronized (c) {
      if (c.state.status.equals("restarting")) {
        c.state.manuallyStopped = true;
        c.state.status = "exited";
        repo.saveOrRetry(c);
        return true;
      }
      if (!c.state.running()) {
        return false;
      }
      c.state.manuallyStopped = true;
      repo.saveOrRetry(c);
      exit = exits.get(c.id);
      if (c.state.status.equals("paused")) {
        runtime.resume(c.id);
      }
    }
    String sig = signal != null && !signal.isEmpty() ? signal
        : c.config.path("StopSignal").asText("").isEmpty() ? "SIGTERM" : c.config.path("StopSignal").asText();
    int timeout = timeoutSeconds != null ? timeoutSeconds
        : c.config.has("StopTimeout") && !c.config.get("StopTimeout").isNull()
            ? c.config.get("StopTimeout").asInt(10) : 10;
    try {
      runtime.kill(c.id, sig);
    } catch (BerthException e) {
      LOG.debug("stop signal to {}: {}", c.id, e.getMessage());
    }
    if (!awaitExit(exit, timeout < 0 ? 3650L * 86400 : timeout)) {
      try {
        runtime.kill(c.id, "SIGKILL");
      } catch (BerthException e) {
        LOG.debug("SIGKILL to {}: {}", c.id, e.getMessage());
      }
      awaitExit(exit, 30);
    }
    emit(c, "stop", Map.of());
    return true;
  }

  private static boolean awaitExit(CompletableFuture<Integer> exit, long seconds) {
    if (exit == null) {
      return true;
    }
    try {
      exit.get(seconds, TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (Exception e) {
      return true;
    }
  }

  public void kill(String ref, String signal) {
    Container c = repo.get(ref);
    String sig = signal == null || signal.isEmpty() ? "SIGKILL" : signal;
    synchronized (c) {
      if (!c.state.status.equals("running") && !c.state.status.equals("paused")) {
        throw new ConflictException("cannot kill container: " + c.id + ": container " + c.id
            + " is not running");
      }
      if (sig.equals("SIGKILL") || sig.equals("KILL") || sig.equals("9")) {
        c.state.manuallyStopped = true;
        repo.saveOrRetry(c);
      }
    }
    runtime.kill(c.id, sig);
    emit(c, "kill", Map.of("signal", sig));
  }

  public void restart(String ref, Integer timeout, String signal) {
    Container c = repo.get(ref);
    stop(c.id, timeout, signal);
    CompletableFuture<Integer> exit = exits.get(c.id);
    if (exit != null) {
      awaitExit(exit, 30);
    }
    start(c.id);
    emit(c, "restart", Map.of());
  }

  public void pause(String ref) {
    Container c = repo.get(ref);
    synchronized (c) {
      if (!c.state.status.equals("running")) {
        throw new ConflictException("container " + c.id + " is not running");
      }
      runtime.pause(c.id);
      c.state.status = "paused";
      repo.saveOrRetry(c);
    }
    emit(c, "pause", Map.of());
  }

  public void unpause(String ref) {
    Container c = repo.get(ref);
    synchronized (c) {
      if (!c.state.status.equals("paused")) {
        throw new ConflictException("container " + c.id + " is not paused");
      }
      runtime.resume(c.id);
      c.state.status = "running";
      repo.saveOrRetry(c);
    }
    emit(c, "unpause", Map.of());
  }

  /** {@code docker update}: new limits (applied at once when running) and restart policy; Docker's warnings. */
  public java.util.List<String> update(String ref, ObjectNode body) {
    Container c = repo.get(ref);
    java.util.List<String> warnings = updater.update(c, body);
    emit(c, "update", Map.of());
    return warnings;
  }

  public void rename(String ref, String newName) {
    Container c = repo.get(ref);
    String name = ContainerRepository.checkName(newName);
    String old = c.name;
    synchronized (c) {
      repo.rename(c, name);
    }
    emit(c, "rename", Map.of("oldName", "/" + old));
  }

  /** Removes a container; a running one only with {@code force} (killed first). */
  public void remove(String ref, boolean force, boolean removeVolumes) {
    Container c = repo.get(ref);
    CompletableFuture<Integer> exit;
    synchronized (c) {
      if (c.state.running() && !c.state.status.equals("restarting")) {
        if (!force) {
          throw new ConflictException("cannot remove container \"/" + c.name
              + "\": container is running: stop the container before removing or force remove");
        }
        c.state.manuallyStopped = true;
        exit = exits.get(c.id);
      } else {
        exit = null;
      }
    }
    if (exit != null) {
      try {
        runtime.kill(c.id, "SIGKILL");
      } catch (BerthException e) {
        LOG.debug("kill before remove of {}: {}", c.id, e.getMessage());
      }
      awaitExit(exit, 30);
    }
    synchronized (c) {
      if (!repo.all().contains(c)) {
        return;
      }
      c.state.status = "removing";
      if (c.endpoint != null || Files.exists(paths.state(c.id))) {
        runner.teardown(c);
      }
      snapshotter.unmount(paths.rootfs(c.id));
      snapshotter.remove(c.id);
      repo.remove(c);
      c.removed = true;
      logging.forget(c);
      VolumeStore.deleteTreeQuietly(paths.dir(c.id));
      VolumeStore.deleteTreeQuietly(paths.state(c.id));
      if (removeVolumes) {
        for (Container.MountPoint m : c.mounts) {
          if (m.type().equals("volume") && volumes.exists(m.name())
              && volumes.inspect(m.name()).path("Labels").has("com.docker.volume.anonymous")) {
            try {
              volumes.remove(m.name(), false, this::volumeInUse);
            } catch (BerthException e) {
              LOG.debug("volume {} kept: {}", m.name(), e.getMessage());
            }
          }
        }
      }
    }
    emit(c, "destroy", Map.of());
    complete(c, "removed", c.state.exitCode);
    complete(c, "next-exit", c.state.exitCode);
    complete(c, "not-running", c.state.exitCode);
    waiters.forget(c);
  }

  public boolean volumeInUse(String volume) {
    return repo.all().stream().anyMatch(c -> c.mounts.stream()
        .anyMatch(m -> m.type().equals("volume") && m.name().equals(volume)));
  }

  public boolean imageInUse(String imageId) {
    return repo.all().stream().anyMatch(c -> c.imageId.equals(imageId));
  }

  /**
   * Registers a waiter: {@code not-running} (default) completes at once for a stopped
   * container, {@code next-exit} at the next exit, {@code removed} when the container is gone.
   */
  public CompletableFuture<Integer> waitFor(String ref, String condition) {
    Container c = repo.get(ref);
    synchronized (c) {
      if (c.removed) {
        // removed between the lookup and here: the waiters were already completed (run --rm
        // sends its wait while the container starts, and a quick one can be gone before it lands)
        waiters.validate(condition);
        return CompletableFuture.completedFuture(c.state.exitCode);
      }
      return waiters.register(c, condition);
    }
  }

  private void complete(Container c, String condition, int code) {
    waiters.complete(c, condition, code);
  }

  /** The future of the current run's exit, or null when the container is not running. */
  public CompletableFuture<Integer> currentExit(String id) {
    return exits.get(id);
  }

  /**
   * Live restore: re-attaches to containers that kept running while the daemon was away and
   * processes the exits that happened meanwhile (so restart policies still apply).
   */
  public void recover() {
    for (Container c : repo.all()) {
      synchronized (c) {
        if (!c.state.running()) {
          continue;
        }
        ContainerRuntime.State st = runtime.state(c.id);
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        exits.put(c.id, exit);
        if (c.endpoint != null) {
          try {
            networks.restore(c);
          } catch (RuntimeException e) {
            LOG.warn("restoring network of {}: {}", c.name, e.getMessage());
          }
        }
        if (st.status() == ContainerRuntime.Status.RUNNING || st.status() == ContainerRuntime.Status.PAUSED) {
          LOG.info("container {} ({}) still running with pid {}", c.name, c.shortId(), st.pid());
          c.state.pid = st.pid();
          c.state.status = st.status() == ContainerRuntime.Status.PAUSED ? "paused" : "running";
          repo.saveOrRetry(c);
          try {
            logging.watch(c); // files what conmon rotated while berthd was away
          } catch (RuntimeException e) {
            LOG.warn("log rotation of {}: {}", c.name, e.getMessage());
          }
          watch(c, exit);
          if (health != null) {
            health.watch(c);
          }
        } else {
          int code = runtime.exitCode(c.id, paths.state(c.id)).orElse(255);
          LOG.info("container {} exited with {} while the daemon was down", c.name, code);
          Thread.ofVirtual().start(() -> onExit(c, code, exit));
        }
      }
    }
  }

  void emit(Container c, String action, Map<String, String> extra) {
    Map<String, String> attrs = new HashMap<>();
    attrs.put("name", c.name);
    attrs.put("image", c.imageName);
    c.config.path("Labels").fields().forEachRemaining(e -> attrs.put(e.getKey(), e.getValue().asText()));
    attrs.putAll(extra);
    events.publish("container", action, c.id, attrs);
  }

  public EventBus events() {
    return events;
  }

  public ContainerNetworks networks() {
    return networks;
  }

  /** {@code network connect/disconnect} of this service's containers. */
  public ContainerConnections connections() {
    return new ContainerConnections(repo, networks, events);
  }

  /** The live file of the container's log (for the none driver: the buffer attach reads). */
  public Path logPath(Container c) {
    return logging.path(c);
  }

  public ContainerLogging logging() {
    return logging;
  }
}
