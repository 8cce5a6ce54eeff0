package io.berth.daemon;

import io.berth.daemon.api.AuthRoutes;
import io.berth.daemon.api.ContainerRoutes;
import io.berth.daemon.api.ContainerStreamRoutes;
import io.berth.daemon.api.ExecRoutes;
import io.berth.daemon.api.ImageRoutes;
import io.berth.daemon.api.NetworkRoutes;
import io.berth.daemon.api.Router;
import io.berth.daemon.api.SystemRoutes;
import io.berth.daemon.api.VolumeRoutes;
import io.berth.daemon.container.ContainerPaths;
import io.berth.daemon.container.ContainerRepository;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.container.ContainerStreams;
import io.berth.daemon.container.ContainerViews;
import io.berth.daemon.events.EventBus;
import io.berth.daemon.exec.ExecService;
import io.berth.daemon.image.ImageService;
import io.berth.daemon.roots.CrashLeftovers;
import io.berth.daemon.system.DaemonInfo;
import io.berth.daemon.roots.RootLock;
import io.berth.daemon.roots.RootPermissions;
import io.berth.http.HttpServer;
import io.berth.http.TlsContexts;
import io.berth.daemon.volume.VolumeStore;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.BridgeDriver;
import io.berth.network.NetworkDriver;
import io.berth.network.PortLedger;
import io.berth.network.Sandboxes;
import io.berth.runtime.RuncRuntime;
import io.berth.runtime.RuntimeConfig;
import io.berth.store.Stores;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import javax.net.ssl.SSLServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires berthd together: stores, runtime, network, services, API, listeners; recovers running
 * containers (live restore) before it accepts requests.
 */
public final class Daemon implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
  private final DaemonConfig config;
  private HttpServer server;
  private io.berth.registry.RegistryServer registry;
  private io.berth.daemon.swarm.SwarmNode swarmNode;
  private io.berth.daemon.metrics.DaemonMetrics metrics;
  private io.berth.http.MetricsListener metricsListener;
  private io.berth.daemon.dashboard.DashboardServer dashboard;
  private Pidfile pidfile;
  private RootLock dataLock;
  private RootLock execLock;
  private final java.util.List<Path> boundSockets = new java.util.concurrent.CopyOnWriteArrayList<>();

  public Daemon(DaemonConfig config) {
    this.config = config;
  }

  public void start() throws IOException {
    RootPermissions.create(config.dataRoot());
    RootPermissions.create(config.execRoot());
    dataLock = RootLock.acquire(config.dataRoot(), "data root");
    if (!Files.isSameFile(config.dataRoot(), config.execRoot())) {
      execLock = RootLock.acquire(config.execRoot(), "exec root");
    }
    Path pidDir = config.pidfile().toAbsolutePath().getParent();
    pidfile = Pidfile.acquire(config.pidfile(), Files.isDirectory(pidDir)
        && (Files.isSameFile(pidDir, config.execRoot()) || Files.isSameFile(pidDir, config.dataRoot())));
    for (String host : config.hosts()) {
      if (host.startsWith("unix://")) {
        // before anything is set up: a daemon that cannot have its socket must not touch the host
        HttpServer.removeStaleSocket(Path.of(host.substring("unix://".length())));
      }
    }
    Clock clock = Clock.systemUTC();
    Stores stores = Stores.open(config.dataRoot());
    boolean ownRegistry = config.registryAddr() != null
        && config.registryStorage().toAbsolutePath().normalize().startsWith(config.dataRoot().toAbsolutePath().normalize());
    CrashLeftovers.reclaim(config.dataRoot(), stores, ownRegistry ? config.registryStorage() : null,
        java.util.List.of(new CrashLeftovers.Step("builds' snapshots",
            () -> io.berth.daemon.build.DockerfileBuilder.reclaim(stores.snapshotter()))));
    RuncRuntime runtime = RuncRuntime.create(new RuntimeConfig(
        "runc", "conmon", config.execRoot().resolve("runc"), config.cgroupParent(),
        config.execRoot().resolve("exits"), config.execRoot().resolve("sockets")));
    Sandboxes sandboxes = new Sandboxes(config.bridge());
    PortLedger portLedger = new PortLedger(); // one host port is one driver's, whichever
    NetworkDriver bridges = new BridgeDriver(config.execRoot().resolve("network"), sandboxes, config.bridge(),
        config.nftTable(), portLedger);
    // swarm overlays: each network's spec names this node's data-path address (no default here)
    NetworkDriver overlays = new io.berth.network.overlay.OverlayDriver(config.execRoot().resolve("network"),
        sandboxes, config.nftTable(), config.bridge(), portLedger, null);
    io.berth.daemon.network.NetworkService networkService = new io.berth.daemon.network.NetworkService(
        stores.metadata(), sandboxes, java.util.List.of(bridges, overlays), config.bridge(), config.bip());
    networkService.init();
    io.berth.daemon.container.ContainerNetworks containerNetworks =
        new io.berth.daemon.container.ContainerNetworks(networkService);
    EventBus events = new EventBus(clock);
    VolumeStore volumes = new VolumeStore(config.dataRoot().resolve("volumes"), stores.metadata());
    ContainerPaths paths = new ContainerPaths(config.dataRoot().resolve("containers"),
        config.execRoot().resolve("containers"));
    io.berth.runtime.log.LogLocks logLocks = new io.berth.runtime.log.LogLocks();
    io.berth.runtime.log.RotatedLogReader logReader = new io.berth.runtime.log.RotatedLogReader(logLocks);
    ContainerRepository containerRecords = new ContainerRepository(stores.metadata());
    io.berth.daemon.container.ContainerLogging logging = new io.berth.daemon.container.ContainerLogging(
        config.logDefaults(), new io.berth.runtime.log.LogRotator(logLocks), paths);
    ContainerService containers = new ContainerService(containerRecords, stores.images(), stores.snapshotter(),
        runtime, containerNetworks, volumes, paths, logging, events, clock);
    io.berth.daemon.container.ContainerDns containerDns = new io.berth.daemon.container.ContainerDns(
        containerRecords, networkService, Path.of("/etc/resolv.conf"));
    io.berth.daemon.overlay.NodeOverlays nodeOverlays = new io.berth.daemon.overlay.NodeOverlays(networkService,
        containerRecords, config.nftTable(), "seal-" + config.bridge());
    containerDns.serviceNames(nodeOverlays::lookup);
    containerNetworks.dns(new io.berth.daemon.overlay.OverlaySandboxes(containerDns, nodeOverlays));
    ContainerStreams streams = new ContainerStreams(containers, runtime, paths, logging, logReader, events);
    ContainerViews views = new ContainerViews(clock, containerNetworks);
    containers.recover();

    DaemonInfo info = DaemonInfo.gather(config.dataRoot(), runtime.version());
    Router router = new Router();
    io.berth.daemon.container.ContainerReferences references =
        new io.berth.daemon.container.ContainerReferences(containerRecords, containerNetworks);
    io.berth.daemon.volume.VolumeService volumeService =
        new io.berth.daemon.volume.VolumeService(volumes, references, events);
    new ContainerRoutes(containers, streams, views).register(router);
    new ContainerStreamRoutes(containers, streams).register(router);
    new ExecRoutes(new ExecService(containers, streams, events)).register(router);
    new io.berth.daemon.api.ArchiveRoutes(new io.berth.daemon.archive.ArchiveService(containers,
        stores.snapshotter(), events)).register(router);
    io.berth.distribution.RegistryAccess registryAccess = new io.berth.distribution.RegistryAccess(
        io.berth.distribution.Credentials.NONE, config.insecureRegistries(),
        io.berth.distribution.RegistryAccess.DEFAULT_CERT_DIRS, config.maxConcurrentDownloads(),
        config.maxConcurrentUploads());
    io.berth.daemon.api.HeapReturn heap = new io.berth.daemon.api.HeapReturn();
    io.berth.daemon.image.ImageCommitter committer = new io.berth.daemon.image.ImageCommitter(stores.images(),
        stores.contentStore(), stores.snapshotter());
    ImageService imageService = new ImageService(stores.images(), containers, events, stores.contentStore(),
        config.dataRoot().resolve("tmp"), new io.berth.distribution.LayerIndex(stores.metadata()), registryAccess,
        new io.berth.daemon.build.Intermediates(stores.metadata())::contains, committer);
    io.berth.cluster.dispatcher.ReceivedPayloads taskPayloads = new io.berth.cluster.dispatcher.ReceivedPayloads();
    java.util.function.Supplier<io.berth.cluster.model.NodeDescription> description =
        io.berth.daemon.swarm.NodeDescriptions.of(info.memTotal(), DaemonInfo.DOCKER_API_RELEASE, java.util.Map.of());
    java.util.function.Function<String, io.berth.cluster.agent.TaskExecutor> taskExecutors =
        nodeId -> new io.berth.daemon.task.ContainerTaskExecutor(containers, streams, imageService, nodeId,
            config.execRoot().resolve("task-files"), taskPayloads, description);
    // the node's session is known once swarmNode is made: the attacher asks for it on each call
    io.berth.daemon.overlay.SwarmAttacher attacher = new io.berth.daemon.overlay.SwarmAttacher(
        () -> swarmNode.session(), nodeOverlays);
    io.berth.daemon.overlay.AttachmentSweep sweep = new io.berth.daemon.overlay.AttachmentSweep(
        id -> containerRecords.all().stream().anyMatch(c -> c.id.equals(id) && containerNetworks.mayHoldSwarmAddresses(c)),
        attacher::detach,
        io.berth.daemon.overlay.AttachmentSweep.GRACE);
    swarmNode = io.berth.daemon.swarm.SwarmNode.create(config.dataRoot(), clock,
        description, config.bridge(), taskExecutors,
        (type, action, id, attrs) -> events.publish(type, action, id, attrs, "swarm"), nodeOverlays, taskPayloads,
        sweep);
    containerNetworks.swarm(attacher);
    java.util.Optional<io.berth.daemon.swarm.SwarmMembership> swarm = java.util.Optional.of(swarmNode);
    java.util.Optional<io.berth.daemon.swarm.ServiceLogs> serviceLogs = java.util.Optional.of(swarmNode.serviceLogs());
    new io.berth.daemon.api.SwarmRoutes(swarm).register(router);
    new io.berth.daemon.api.NodeRoutes(swarm, clock).register(router);
    new io.berth.daemon.api.ServiceRoutes(swarm, clock).register(router);
    new io.berth.daemon.api.ServiceLogRoutes(swarm, serviceLogs, clock).register(router);
    new io.berth.daemon.api.TaskRoutes(swarm, clock).register(router);
    new io.berth.daemon.api.PayloadRoutes(swarm, clock).register(router);
    new SystemRoutes(info, containers, views,
        new io.berth.daemon.system.EngineUsage(containers, imageService, volumeService), events, swarm).register(router);
    new ImageRoutes(imageService, heap).register(router);
    new io.berth.daemon.api.DistributionRoutes(imageService).register(router);
    new AuthRoutes(registryAccess).register(router);
    new io.berth.daemon.api.CommitRoutes(imageService).register(router);
    io.berth.daemon.build.DockerfileBuilder builder = io.berth.daemon.build.DockerfileBuilder.create(stores,
        containers, committer, logReader, config.dataRoot().resolve("tmp"), events);
    new io.berth.daemon.api.BuildRoutes(builder, imageService, heap).register(router);
    new VolumeRoutes(volumeService).register(router);
    io.berth.daemon.network.NetworkManager networkManager =
        new io.berth.daemon.network.NetworkManager(networkService, references, events);
    new NetworkRoutes(networkManager, containers, swarm, clock).register(router);
    io.berth.daemon.dashboard.TokenStore dashboardTokens =
        io.berth.daemon.dashboard.TokenStore.open(config.dataRoot().resolve("dashboard"), clock);
    new io.berth.daemon.api.DashboardTokenRoutes(dashboardTokens).register(router);

    if (config.metricsAddr() != null) {
      metrics = new io.berth.daemon.metrics.DaemonMetrics();
      io.berth.daemon.metrics.ApiMeters api = new io.berth.daemon.metrics.ApiMeters(metrics.registry());
      router.observe(api::answered);
      io.berth.daemon.metrics.ContainerMeters.bind(metrics.registry(), containers);
      io.berth.daemon.metrics.ContainerUsageMeters.bind(metrics, containers, streams);
      io.berth.daemon.metrics.ImageMeters.bind(metrics.registry(), imageService, builder);
      io.berth.daemon.metrics.ClusterMeters.bind(metrics, swarmNode);
    }
    server = new HttpServer(router);
    swarmNode.recover();
    for (String host : config.hosts()) {
      listen(host);
    }
    if (config.registryAddr() != null) {
      startRegistry();
    }
    if (metrics != null) {
      metricsListener = io.berth.http.MetricsListener.start(config.metricsAddr(), "--metrics-addr", metrics::scrape,
          io.berth.daemon.metrics.DaemonMetrics.CONTENT_TYPE);
      LOG.info("metrics listening on {} (port {}), at /metrics", config.metricsAddr(), metricsListener.port());
    }
    if (config.dashboard() != null) {
      dashboard = io.berth.daemon.dashboard.DashboardServer.start(config.dashboard(), dashboardTokens,
          new io.berth.daemon.dashboard.DashboardSources(clock, events, swarmNode, swarmNode.serviceLogs(), containers,
              streams, views, imageService, volumeService, networkManager,
              (nodeId, container) -> taskExecutors.apply(nodeId).remove(container),
              () -> java.util.Optional.ofNullable(registry).map(r -> new io.berth.daemon.dashboard.StorageCatalog(
                  r.storage()))));
    }
    // every directory the daemon needs exists now: shut those a new root got and an old one had open
    RootPermissions.secure(config.dataRoot());
    RootPermissions.secure(config.execRoot());
    LOG.info("berthd {} ready (data-root {}, exec-root {}, bridge {} {})", DaemonInfo.VERSION,
        config.dataRoot(), config.execRoot(), config.bridge(), config.bip());
  }

  /** The optional built-in registry: its own storage, plain HTTP on loopback or TLS with the API's certificate. */
  private void startRegistry() throws IOException {
    String addr = config.registryAddr();
    int colon = addr.lastIndexOf(':');
    String host = addr.substring(0, colon);
    boolean tls = config.tlsCert() != null && config.tlsKey() != null;
    if (!tls && !InetAddress.getByName(host).isLoopbackAddress()) {
      throw new InvalidArgumentException("refusing to serve the registry on " + addr
          + " without TLS: use a loopback address or give --tlscert/--tlskey");
    }
    registry = io.berth.registry.RegistryServer.start(new io.berth.registry.RegistryConfig(host,
        Integer.parseInt(addr.substring(colon + 1)), config.registryStorage(), tls ? config.tlsCert() : null,
        tls ? config.tlsKey() : null, null, false, io.berth.registry.RegistryConfig.DEFAULT_MAX_MANIFEST),
        io.berth.registry.auth.Authorizer.OPEN, java.util.Map.of(), metrics == null ? null : metrics.registry());
    LOG.info("registry listening on {}://{} (storage {})", tls ? "https" : "http", addr, config.registryStorage());
  }

  private void listen(String host) throws IOException {
    if (host.startsWith("unix://")) {
      Path socket = Path.of(host.substring("unix://".length()));
      server.listenUnix(socket);
      boundSockets.add(socket);
      LOG.info("API listening on {}", socket);
      return;
    }
    if (!host.startsWith("tcp://")) {
      throw new InvalidArgumentException("invalid -H " + host + ": expected unix:///path or tcp://host:port");
    }
    URI uri = URI.create(host);
    int port = uri.getPort() < 0 ? 2376 : uri.getPort();
    InetSocketAddress addr = new InetSocketAddress(InetAddress.getByName(uri.getHost()), port);
    boolean tls = config.tlsCert() != null && config.tlsKey() != null;
    if (!tls && !config.insecureTcp()) {
      throw new InvalidArgumentException("refusing to listen on " + host
          + " without TLS: pass --tlscert/--tlskey (and --tlsverify --tlscacert), or --insecure-tcp to accept the risk");
    }
    ServerSocket ss;
    if (tls) {
      if (config.tlsVerify() && config.tlsCaCert() == null) {
        throw new InvalidArgumentException("--tlsverify needs --tlscacert");
      }
      var ctx = TlsContexts.server(config.tlsCert(), config.tlsKey(), config.tlsVerify() ? config.tlsCaCert() : null);
      SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
      s.setNeedClientAuth(config.tlsVerify());
      ss = s;
    } else {
      LOG.warn("API listening on {} WITHOUT TLS: anyone who can reach it has root on this host", host);
      ss = new ServerSocket();
    }
    ss.setReuseAddress(true);
    ss.bind(addr, 512);
    server.listenTcp(ss);
    LOG.info("API listening on {}{}", host, tls ? " (TLS" + (config.tlsVerify() ? ", client certificates required)" : ")") : "");
  }

  @Override
  public void close() {
    if (swarmNode != null) {
      swarmNode.close();
    }
    if (server != null) {
      server.close();
    }
    if (dashboard != null) {
      dashboard.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (metricsListener != null) {
      metricsListener.close();
    }
    // only sockets this daemon bound: another daemon's must never go with a daemon that failed to start
    for (Path socket : boundSockets) {
      try {
        Files.deleteIfExists(socket);
      } catch (IOException ignored) {
        // best effort
      }
    }
    if (pidfile != null) {
      pidfile.release();
    }
    if (execLock != null) {
      execLock.close();
    }
    if (dataLock != null) {
      dataLock.close();
    }
  }
}
