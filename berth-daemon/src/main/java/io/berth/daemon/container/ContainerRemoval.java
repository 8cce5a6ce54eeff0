package io.berth.daemon.container;

import io.berth.daemon.volume.VolumeStore;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.ConflictException;
import io.berth.runtime.ContainerRuntime;
import io.berth.store.snapshot.Snapshotter;
import io.berth.store.snapshot.Trash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removing containers ({@code docker rm}, {@code --rm}, a build step's, prune): kill a forced
 * one and wait for its exit, then take down what it holds in order (network and runtime state,
 * rootfs and writable layer, record, files, with {@code -v} its anonymous volumes), and answer
 * its waiters. A job of its own beside the lifecycle, which starts and stops.
 */
final class ContainerRemoval {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerRemoval.class);
  private final ContainerRepository repo;
  private final ContainerExits exits;
  private final ContainerRuntime runtime;
  private final ContainerRunner runner;
  private final ContainerNetworks networks;
  private final ContainerPaths paths;
  private final Snapshotter snapshotter;
  private final ContainerLogging logging;
  private final VolumeStore volumes;
  private final Events events;
  // a removed container's files and bundle leave their paths at once and are deleted behind
  private final Trash dataTrash;
  private final Trash stateTrash;

  /** The lifecycle's container events ({@code destroy}). */
  interface Events {
    void emit(Container c, String action, Map<String, String> extra);
  }

  ContainerRemoval(ContainerRepository repo, ContainerExits exits, ContainerRuntime runtime, ContainerRunner runner,
      ContainerNetworks networks, ContainerPaths paths, Snapshotter snapshotter, ContainerLogging logging,
      VolumeStore volumes, Events events) {
    this.repo = repo;
    this.exits = exits;
    this.runtime = runtime;
    this.runner = runner;
    this.networks = networks;
    this.paths = paths;
    this.snapshotter = snapshotter;
    this.logging = logging;
    this.volumes = volumes;
    this.events = events;
    this.dataTrash = new Trash(paths.dataDir().resolveSibling("trash"));
    this.stateTrash = new Trash(paths.stateRoot().resolveSibling("trash"));
  }

  /** Removes {@code c}; a running one only with {@code force} (killed first). */
  void remove(Container c, boolean force, boolean removeVolumes) {
    CompletableFuture<Integer> exit;
    synchronized (c) {
      if (c.state.running() && !c.state.is(ContainerStatus.RESTARTING)) {
        if (!force) {
          throw new ConflictException("cannot remove container \"/" + c.name
              + "\": container is running: stop the container before removing or force remove");
        }
        c.state.manuallyStopped = true;
        exit = exits.current(c.id);
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
      ContainerExits.await(exit, 30);
    }
    synchronized (c) {
      if (!repo.all().contains(c)) {
        return;
      }
      c.state.to(c.id, ContainerStatus.REMOVING);
      if (!c.tornDown && (!networks.endpoints(c).isEmpty() || Files.exists(paths.state(c.id)))) {
        runner.teardown(c);
      }
      snapshotter.unmount(paths.rootfs(c.id));
      snapshotter.remove(c.id);
      repo.remove(c);
      c.removed = true;
      networks.releaseSwarm(c); // its swarm addresses go back to the managers
      logging.forget(c);
      discard(dataTrash, paths.dir(c.id));
      discard(stateTrash, paths.state(c.id));
      if (removeVolumes) {
        removeAnonymousVolumes(c);
      }
    }
    events.emit(c, "destroy", Map.of());
    exits.removed(c);
  }

  private static void discard(Trash trash, Path dir) {
    try {
      trash.discard(dir);
    } catch (java.io.UncheckedIOException e) {
      LOG.warn("{}", e.getMessage()); // the record is gone already: what is left is only files
    }
  }

  private void removeAnonymousVolumes(Container c) {
    for (Container.MountPoint m : c.mounts) {
      if (m.type().equals("volume") && volumes.exists(m.name())
          && volumes.inspect(m.name()).path("Labels").has(VolumeStore.ANONYMOUS)) {
        try {
          volumes.remove(m.name(), false, this::volumeInUse);
        } catch (BerthException e) {
          LOG.debug("volume {} kept: {}", m.name(), e.getMessage());
        }
      }
    }
  }

  private boolean volumeInUse(String volume) {
    return repo.all().stream().anyMatch(c -> c.mounts.stream()
        .anyMatch(m -> m.type().equals("volume") && m.name().equals(volume)));
  }

  /** {@code docker container prune}: removes the containers not running that {@code select} picks. */
  ContainerService.Pruned prune(Predicate<Container> select) {
    List<String> ids = new ArrayList<>();
    long reclaimed = 0;
    for (Container c : repo.all()) {
      if (c.state.running() || !select.test(c)) {
        continue;
      }
      long size = snapshotter.usage(c.id);
      remove(c, false, false);
      ids.add(c.id);
      reclaimed += Math.max(0, size);
    }
    return new ContainerService.Pruned(ids, reclaimed);
  }
}
