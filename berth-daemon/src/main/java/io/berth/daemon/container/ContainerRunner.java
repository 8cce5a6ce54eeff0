package io.berth.daemon.container;

import io.berth.errdefs.BerthException;
import io.berth.network.Endpoint;
import io.berth.runtime.RuntimeLifecycle;
import io.berth.runtime.ContainerSpec;
import io.berth.runtime.ContainerSpec.MountSpec;
import io.berth.store.snapshot.Snapshotter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start and teardown sequences of one container run: mount the root filesystem, plan
 * mounts, connect the network and publish ports, write the sandbox files, then create and start
 * the process. A failure at any step undoes the steps before it, so a failed start leaves no
 * mount, veth, namespace or nft rule behind.
 */
final class ContainerRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerRunner.class);
  private final ContainerPaths paths;
  private final Snapshotter snapshotter;
  private final RuntimeLifecycle runtime;
  private final ContainerNetworks network;
  private final MountPlanner mounts;
  private final ContainerLogging logging;
  private final java.util.function.Function<String, Container> lookup;
  private final java.util.function.Predicate<String> filesInUse;

  /** {@code filesInUse}: a cp or export holds the container's files, so teardown leaves them mounted. */
  ContainerRunner(ContainerPaths paths, Snapshotter snapshotter,
      RuntimeLifecycle runtime, ContainerNetworks network, MountPlanner mounts, ContainerLogging logging,
      java.util.function.Function<String, Container> lookup, java.util.function.Predicate<String> filesInUse) {
    this.lookup = lookup;
    this.logging = logging;
    this.filesInUse = filesInUse;
    this.paths = paths;
    this.snapshotter = snapshotter;
    this.runtime = runtime;
    this.network = network;
    this.mounts = mounts;
  }

  /** Runs the start sequence; on return the process runs and its pid is returned. */
  int start(Container c) {
    c.tornDown = false;
    Path rootfs = paths.rootfs(c.id);
    Path stateDir = paths.state(c.id);
    boolean mounted = false;
    boolean connected = false;
    try {
      snapshotter.mount(c.id, rootfs);
      mounted = true;
      List<MountSpec> specs = new ArrayList<>(mounts.plan(c, rootfs));
      NetworkSpec net = c.host().network();
      // links only mean something on the default bridge; on user networks names come from DNS
      Links.Resolved links = ContainerNetworks.onDefaultBridge(c) ? Links.resolve(c, lookup, network::primary)
          : new Links.Resolved(List.of(), List.of());
      String netns = null;
      java.util.concurrent.CompletableFuture<Endpoint> endpoint = null;
      Container joined = JoinedNetwork.target(c, lookup);
      if (net.host()) {
        netns = "host";
      } else if (joined != null) {
        netns = JoinedNetwork.namespace(joined);
      } else if (!net.none()) {
        // the namespace must exist for runc create; the veths only before runc start: set them
        // up while runc creates the container
        netns = network.createNamespace(c);
        connected = true;
        endpoint = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Endpoint> f = endpoint;
        Thread.ofVirtual().start(() -> {
          try {
            f.complete(network.attachAll(c, net.requested(c.configSpec().exposedPorts())));
          } catch (RuntimeException e) {
            f.completeExceptionally(e);
          }
        });
      }
      if (joined == null) {
        SandboxFiles.write(c, paths.dir(c.id), null, network.usesDns(c), links.hostLines());
      } else {
        JoinedNetwork.share(c, joined);
      }
      // as dockerd: with a read-only root file system the sandbox files are read-only too
      List<String> sandboxOptions = List.of("rbind", "rprivate",
          c.host().readonlyRootfs() ? "ro" : "rw");
      if (!net.host()) {
        specs.add(new MountSpec("/etc/hosts", "bind", c.hostsPath, sandboxOptions));
        specs.add(new MountSpec("/etc/hostname", "bind", c.hostnamePath, sandboxOptions));
      }
      specs.add(new MountSpec("/etc/resolv.conf", "bind", c.resolvConfPath, sandboxOptions));
      c.logPath = logging.inspectPath(c);
      runtime.delete(c.id, stateDir, true);
      Endpoint first = null;
      try {
        runtime.create(spec(c, rootfs, specs, netns, links.env()), stateDir, logging.path(c), logging.prepare(c));
        logging.watch(c);
      } finally {
        if (endpoint != null) {
          first = awaitEndpoint(endpoint);
        }
      }
      if (first != null) {
        // same inode as the bind mount: the container sees its address in /etc/hosts
        SandboxFiles.write(c, paths.dir(c.id), first.ip(), network.usesDns(c), links.hostLines());
      }
      return runtime.start(c.id);
    } catch (RuntimeException e) {
      LOG.debug("start of {} failed, undoing: {}", c.id, e.toString());
      try {
        runtime.delete(c.id, stateDir, true);
      } catch (RuntimeException ignored) {
        // best effort
      }
      logging.release(c);
      if (connected) {
        network.detachAll(c);
      }
      if (mounted && !filesInUse.test(c.id)) {
        snapshotter.unmount(rootfs);
      }
      throw e;
    }
  }

  private static Endpoint awaitEndpoint(java.util.concurrent.CompletableFuture<Endpoint> f) {
    try {
      return f.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }

  /** Undoes a run after the process exited: runtime state, network, root filesystem mount. */
  void teardown(Container c) {
    // the three undo steps are independent (the process is gone): run them side by side
    java.util.concurrent.atomic.AtomicBoolean clean = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread net = null;
    if (ContainerNetworks.bridged(c)) {
      net = Thread.ofVirtual().start(() -> {
        try {
          network.detachAll(c);
        } catch (RuntimeException e) {
          clean.set(false);
          LOG.warn("network cleanup of {}: {}", c.id, e.getMessage());
        }
      });
    }
    boolean held = filesInUse.test(c.id); // the last cp/export user unmounts and releases instead
    Thread mount = Thread.ofVirtual().start(() -> {
      try {
        if (!held) {
          snapshotter.unmount(paths.rootfs(c.id));
        }
      } catch (RuntimeException e) {
        clean.set(false);
        LOG.warn("unmounting the root file system of {}: {}", c.id, e.getMessage());
      }
    });
    try {
      runtime.delete(c.id, paths.state(c.id), true);
    } catch (BerthException | java.io.UncheckedIOException e) {
      clean.set(false);
      LOG.warn("runtime cleanup of {}: {}", c.id, e.getMessage());
    }
    try {
      if (net != null) {
        net.join();
      }
      mount.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    logging.release(c); // conmon's last rotation is filed, a none driver's buffer goes
    if (!held) {
      mounts.release(c); // volumes with driver options are unmounted once their last user stopped
    }
    c.tornDown = clean.get();
  }

  private ContainerSpec spec(Container c, Path rootfs, List<MountSpec> mounts, String netns, List<String> linkEnv) {
    List<String> env = new ArrayList<>(linkEnv);
    ConfigSpec config = c.configSpec();
    env.addAll(config.env()); // the container's own win (later entries)
    HostSpec hc = c.host();
    List<String> argv = new ArrayList<>();
    argv.add(c.path);
    argv.addAll(c.args);
    return new ContainerSpec(
        c.id,
        c.name,
        rootfs,
        argv,
        env,
        config.workingDir(),
        config.user(),
        config.hostnameOr(c.shortId()),
        config.tty(),
        config.openStdin(),
        config.stdinOnce(),
        hc.readonlyRootfs(),
        hc.privileged(),
        hc.capAdd(),
        hc.capDrop(),
        hc.security(),
        mounts,
        hc.resources(),
        netns,
        hc.init(),
        config.labels(),
        config.stopSignal(),
        ContainerTuning.atStart(hc.tuning(), lookup),
        hc.cgroups(),
        hc.annotations(),
        config.domainname());
  }
}
