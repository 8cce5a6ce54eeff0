package io.berth.daemon.container;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.events.EventBus;
import io.berth.daemon.volume.VolumeStore;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.DiskFull;
import io.berth.errdefs.NotFoundException;
import io.berth.network.PortBinding;
import io.berth.runtime.ContainerRuntime;
import io.berth.store.image.ImageReader;
import io.berth.store.snapshot.Snapshotter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container lifecycle: create, start, stop, kill, restart, remove, wait, rename, pause.
 * Every state change happens under the container's monitor and is persisted before it is
 * announced. What follows an exit (state, waiters, restart policy, auto-removal) and live
 * restore are the job of {@link ContainerExits}; taking a container down for good that of
 * {@link ContainerRemoval}.
 */
public final class ContainerService {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerService.class);
  private final ContainerRepository repo;
  private final ContainerFactory factory;
  private final ContainerRunner runner;
  private final ContainerRuntime runtime;
  private final Snapshotter snapshotter;
  private final ImageReader images;
  private final ContainerPaths paths;
  private final EventBus events;
  private final Clock clock;
  private final ContainerExits exits;
  private final HealthMonitor health;
  private final ContainerNetworks networks;
  private final MountPlanner mounts;
  private final ContainerFilesystems filesystems;
  private final ContainerUpdater updater;
  private final ContainerLogging logging;
  private final ContainerRemoval removal;
  private volatile java.util.function.LongConsumer startTimes = nanos -> { };

  public ContainerService(ContainerRepository repo, ImageReader images, Snapshotter snapshotter,
      ContainerRuntime runtime, ContainerNetworks network, VolumeStore volumes, ContainerPaths paths,
      ContainerLogging logging, EventBus events, Clock clock) {
    this(repo, images, snapshotter, runtime, network, volumes, paths, logging, events, Scheduler.system(clock));
  }

  /** {@code scheduler}: the clock and timer of restart back-offs and health probes. */
  public ContainerService(ContainerRepository repo, ImageReader images, Snapshotter snapshotter,
      ContainerRuntime runtime, ContainerNetworks network, VolumeStore volumes, ContainerPaths paths,
      ContainerLogging logging, EventBus events, Scheduler scheduler) {
    Clock clock = scheduler.clock();
    this.logging = logging;
    this.repo = repo;
    this.images = images;
    this.snapshotter = snapshotter;
    this.runtime = runtime;
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
    this.exits = new ContainerExits(repo, runtime, runner, paths, logging, network, scheduler,
        new ContainerExits.Lifecycle() {
          @Override
          public void startLocked(Container c) {
            ContainerService.this.startLocked(c);
          }

          @Override
          public void autoRemove(Container c) {
            remove(c.id, true, true); // as docker run --rm: anonymous volumes go with the container
          }

          @Override
          public void emit(Container c, String action, Map<String, String> extra) {
            ContainerService.this.emit(c, action, extra);
          }
        });
    this.removal = new ContainerRemoval(repo, exits, runtime, runner, network, paths, snapshotter, logging, volumes,
        this::emit);
    this.health = new HealthMonitor(scheduler, new HealthProbes(runtime, paths, clock), repo::saveOrRetry,
        (c, status) -> emit(c, "health_status: " + status, Map.of()));
  }

  /** Opens {@code c}'s files for cp, export and diff, mounted until the result is closed. */
  public ContainerFilesystems.Opened openFiles(Container c) {
    return filesystems.open(c);
  }

  // for the health monitor, which runs its probes and saves their results beside the lifecycle
  ContainerRepository repository() {
    return repo;
  }

  ContainerRuntime runtime() {
    return runtime;
  }

  ContainerPaths paths() {
    return paths;
  }

  public Container get(String ref) {
    return repo.get(ref);
  }

  /** Every container, in no particular order. */
  public java.util.List<Container> list() {
    return repo.all();
  }

  /**
   * What {@code docker ps} asks for: Docker's {@code filters} (already read from the query),
   * {@code all} (else running ones only, unless a filter selects stopped ones or a limit is
   * set) and {@code limit} (negative: none).
   */
  public record ListQuery(com.fasterxml.jackson.databind.JsonNode filters, boolean all, int limit) {}

  /** The containers a {@code docker ps} shows, newest first. */
  public java.util.List<Container> list(ListQuery q) {
    ContainerFilters filters = ContainerFilters.parse(q.filters(), repo, networks);
    java.util.List<Container> sorted = new java.util.ArrayList<>(repo.all());
    sorted.sort((a, b) -> b.created.compareTo(a.created));
    java.util.List<Container> out = new java.util.ArrayList<>();
    for (Container c : sorted) {
      if (!q.all() && !c.state.running() && !filters.overridesAll() && q.limit() < 0) {
        continue;
      }
      if (!filters.matches(c)) {
        continue;
      }
      if (q.limit() >= 0 && out.size() >= q.limit()) {
        break;
      }
      out.add(c);
    }
    return out;
  }

  /**
   * Creates a container: its files first, then its record, and only then is it visible, so that a
   * create the disk refuses leaves nothing behind (not even until a restart). The image's lease
   * keeps its layers while the root file system is prepared; an image removed meanwhile (its
   * removal saw no container using it) undoes the create.
   */
  public Container create(String name, ObjectNode body) {
    try (ImageReader.Lease lease = images.lease()) {
      Container c = factory.create(name, body);
      logging.configure(c.hostConfig);
      c.networks = networks.plan(c, c.hostConfig, body); // a swarm overlay's address is taken at start
      c.host(); // read once, here; refuses what could not start before anything exists
      c.configSpec();
      c.host().network().links().forEach(l -> repo.get(l.target())); // unknown names fail here, not at start
      mounts.createNamedVolumes(c.host().mounts());
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

  /** Who hears how long each successful start took (process, network and mounts), in nanoseconds: metrics. */
  public void observeStarts(java.util.function.LongConsumer startTimes) {
    this.startTimes = startTimes;
  }

  private void undoCreate(Container c) {
    snapshotter.remove(c.id);
    VolumeStore.deleteTreeQuietly(paths.dir(c.id));
  }

  /** Starts a created or exited container; false when it was already running (HTTP 304). */
  public boolean start(String ref) {
    Container c = repo.get(ref);
    synchronized (c) {
      if (c.state.is(ContainerStatus.RUNNING, ContainerStatus.PAUSED)) {
        return false;
      }
      if (c.state.is(ContainerStatus.REMOVING)) {
        throw new ConflictException("container " + c.id + " is marked for removal and cannot be started");
      }
      c.state.manuallyStopped = false;
      try {
        startLocked(c);
      } catch (RuntimeException e) {
        if (c.host().autoRemove()) {
          Thread.ofVirtual().start(() -> remove(c.id, true, true));
        }
        throw e;
      }
    }
    return true;
  }

  private void startLocked(Container c) {
    c.state.checkCanGo(c.id, ContainerStatus.RUNNING); // a dead one is refused before any process exists
    long began = System.nanoTime();
    int pid;
    try {
      pid = runner.start(c);
    } catch (BerthException | java.io.UncheckedIOException e) {
      c.state.error = e.getMessage();
      c.state.exitCode = e.getMessage() != null && e.getMessage().contains("not found") ? 127 : 126;
      // back where it was: created if it never ran, else exited (a restart that failed)
      c.state.to(c.id, c.state.is(ContainerStatus.CREATED) ? ContainerStatus.CREATED : ContainerStatus.EXITED);
      repo.saveOrRetry(c);
      exits.startFailed(c);
      throw e;
    }
    startTimes.accept(System.nanoTime() - began);
    c.state.to(c.id, ContainerStatus.RUNNING);
    c.state.pid = pid;
    c.state.error = "";
    c.state.exitCode = 0;
    c.state.oomKilled = false;
    c.state.everStarted = true;
    c.state.startedAt = clock.instant().toString();
    c.state.finishedAt = ContainerState.ZERO_TIME;
    if (c.config.has("Healthcheck")) {
      c.state.health = HealthMonitor.initialState(c);
    }
    repo.saveOrRetry(c);
    CompletableFuture<Integer> exit = exits.expect(c);
    emit(c, "start", Map.of());
    exits.watch(c, exit);
    health.watch(c);
  }

  /** Stops with the container's stop signal, then SIGKILL after {@code timeout} seconds. */
  public boolean stop(String ref, Integer timeoutSeconds, String signal) {
    Container c = repo.get(ref);
    CompletableFuture<Integer> exit;
    synchronized (c) {
      if (c.state.is(ContainerStatus.RESTARTING)) {
        c.state.manuallyStopped = true;
        c.state.to(c.id, ContainerStatus.EXITED);
        repo.saveOrRetry(c);
        return true;
      }
      if (!c.state.running()) {
        return false;
      }
      c.state.manuallyStopped = true;
      repo.saveOrRetry(c);
      exit = exits.current(c.id);
      if (c.state.is(ContainerStatus.PAUSED)) {
        runtime.resume(c.id);
      }
    }
    String sig = signal != null && !signal.isEmpty() ? signal : c.configSpec().stopSignal();
    int timeout = timeoutSeconds != null ? timeoutSeconds : c.configSpec().stopTimeoutOrDefault();
    try {
      runtime.kill(c.id, sig);
    } catch (BerthException e) {
      LOG.debug("stop signal to {}: {}", c.id, e.getMessage());
    }
    if (!ContainerExits.await(exit, timeout < 0 ? 3650L * 86400 : timeout)) {
      try {
        runtime.kill(c.id, "SIGKILL");
      } catch (BerthException e) {
        LOG.debug("SIGKILL to {}: {}", c.id, e.getMessage());
      }
      ContainerExits.await(exit, 30);
    }
    emit(c, "stop", Map.of());
    return true;
  }

  public void kill(String ref, String signal) {
    Container c = repo.get(ref);
    String sig = signal == null || signal.isEmpty() ? "SIGKILL" : signal;
    synchronized (c) {
      if (!c.state.is(ContainerStatus.RUNNING, ContainerStatus.PAUSED)) {
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
    CompletableFuture<Integer> exit = exits.current(c.id);
    if (exit != null) {
      ContainerExits.await(exit, 30);
    }
    start(c.id);
    emit(c, "restart", Map.of());
  }

  public void pause(String ref) {
    Container c = repo.get(ref);
    synchronized (c) {
      if (!c.state.is(ContainerStatus.RUNNING)) {
        throw new ConflictException("container " + c.id + " is not running");
      }
      runtime.pause(c.id);
      c.state.to(c.id, ContainerStatus.PAUSED);
      repo.saveOrRetry(c);
    }
    emit(c, "pause", Map.of());
  }

  public void unpause(String ref) {
    Container c = repo.get(ref);
    synchronized (c) {
      if (!c.state.is(ContainerStatus.PAUSED)) {
        throw new ConflictException("container " + c.id + " is not paused");
      }
      runtime.resume(c.id);
      c.state.to(c.id, ContainerStatus.RUNNING);
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
    removal.remove(repo.get(ref), force, removeVolumes);
  }

  /** Bytes in {@code c}'s writable layer (Docker's SizeRw); negative when it cannot be measured. */
  public long layerSize(Container c) {
    return snapshotter.usage(c.id);
  }

  /** What a prune removed: the containers' ids and the space their writable layers held. */
  public record Pruned(java.util.List<String> ids, long spaceReclaimed) {}

  /** {@code docker container prune}: removes the containers not running that {@code filters} select. */
  public Pruned prune(com.fasterxml.jackson.databind.JsonNode filters) {
    return removal.prune(ContainerFilters.parse(filters, repo, networks)::matches);
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
      return exits.waitFor(c, condition);
    }
  }

  /** The future of the current run's exit, or null when the container is not running. */
  public CompletableFuture<Integer> currentExit(String id) {
    return exits.current(id);
  }

  /**
   * Live restore: re-attaches to containers that kept running while the daemon was away and
   * processes the exits that happened meanwhile (so restart policies still apply).
   */
  public void recover() {
    exits.recover(health);
  }

  void emit(Container c, String action, Map<String, String> extra) {
    Map<String, String> attrs = new HashMap<>();
    attrs.put("name", c.name);
    attrs.put("image", c.imageName);
    attrs.putAll(c.configSpec().labels());
    attrs.putAll(extra);
    events.publish("container", action, c.id, attrs);
  }

  /** {@code network connect/disconnect} of this service's containers. */
  public ContainerConnections connections() {
    return new ContainerConnections(repo, networks, events);
  }

  /** The ports the container publishes, as its networks hold them. */
  public List<PortBinding> publishedPorts(Container c) {
    return networks.ports(c);
  }

  /** The live file of the container's log (for the none driver: the buffer attach reads). */
  public Path logPath(Container c) {
    return logging.path(c);
  }

  /** The logging driver of containers that name none ({@code log-driver} of the daemon's settings). */
  public String defaultLogDriver() {
    return logging.defaults().driver().wireName();
  }
}
