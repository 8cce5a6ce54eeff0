package io.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.agent.Agent;
import io.berth.cluster.agent.TaskLogQuery;
import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.ResourceRequirements;
import io.berth.cluster.model.Resources;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerDns;
import io.berth.daemon.container.ContainerLogging;
import io.berth.daemon.container.ContainerNetworks;
import io.berth.daemon.container.ContainerPaths;
import io.berth.daemon.container.ContainerRepository;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.container.ContainerStreams;
import io.berth.daemon.events.EventBus;
import io.berth.daemon.image.ImageCommitter;
import io.berth.daemon.image.ImageService;
import io.berth.daemon.network.NetworkService;
import io.berth.daemon.task.ContainerTaskExecutor;
import io.berth.daemon.volume.VolumeStore;
import io.berth.distribution.Credentials;
import io.berth.distribution.LayerIndex;
import io.berth.distribution.RegistryAccess;
import io.berth.network.BridgeDriver;
import io.berth.oci.ContainerConfig.HealthConfig;
import io.berth.network.PortLedger;
import io.berth.network.Sandboxes;
import io.berth.runtime.RuncRuntime;
import io.berth.runtime.RuntimeConfig;
import io.berth.runtime.log.LogLocks;
import io.berth.runtime.log.LogOptions;
import io.berth.runtime.log.LogRotator;
import io.berth.runtime.log.RotatedLogReader;
import io.berth.store.Stores;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node agent over berthd's real task executor: the engine's container, stream and image
 * services built in this process as berthd builds them (own roots, bridge, nft table and cgroup
 * parent per IT slot), real runc containers made from tasks. Checks what `docker service ps`
 * will show (the statuses) and what `docker ps`/inspect on the node show (names, labels, limits).
 */
class TaskExecutorIT {
  private static final String N = System.getenv().getOrDefault("BERTH_IT_SLOT", "0");
  private static final Path DIR = Path.of("/tmp/berth-itte" + N);
  private static final String BRIDGE = "bitte" + N;
  private static final String NFT = "berth_itte" + N;
  private static final String IMAGE = "it/busybox:1";
  private static ContainerService containers;
  private static ContainerStreams streams;
  private static ImageService images;
  private static ContainerTaskExecutor executor;

  private final Map<String, TaskStatus> latest = new ConcurrentHashMap<>();
  private final List<String> reported = Collections.synchronizedList(new ArrayList<>());
  private Agent agent;

  @BeforeAll
  static void engine() throws Exception {
    cleanHost();
    Files.createDirectories(DIR);
    Path data = DIR.resolve("data");
    Path exec = DIR.resolve("exec");
    Clock clock = Clock.systemUTC();
    Stores stores = Stores.open(data);
    RuncRuntime runtime = RuncRuntime.create(new RuntimeConfig("runc", "conmon", exec.resolve("runc"),
        "berth-itte" + N, exec.resolve("exits"), exec.resolve("sockets")));
    Sandboxes sandboxes = new Sandboxes(BRIDGE);
    NetworkService networks = new NetworkService(stores.metadata(), sandboxes,
        List.of(new BridgeDriver(exec.resolve("network"), sandboxes, BRIDGE, NFT, new PortLedger())), BRIDGE,
        "10.89." + (160 + Integer.parseInt(N)) + ".1/24");
    networks.init();
    ContainerNetworks containerNetworks = new ContainerNetworks(networks);
    EventBus events = new EventBus(clock);
    VolumeStore volumes = new VolumeStore(data.resolve("volumes"), stores.metadata());
    ContainerPaths paths = new ContainerPaths(data.resolve("containers"), exec.resolve("containers"));
    LogLocks locks = new LogLocks();
    ContainerRepository records = new ContainerRepository(stores.metadata());
    ContainerLogging logging = new ContainerLogging(LogOptions.parse("json-file", Map.of()), new LogRotator(locks),
        paths);
    containers = new ContainerService(records, stores.images(), stores.snapshotter(), runtime, containerNetworks,
        volumes, paths, logging, events, clock);
    containerNetworks.dns(new ContainerDns(records, networks, Path.of("/etc/resolv.conf")));
    streams = new ContainerStreams(containers, runtime, paths, logging, new RotatedLogReader(locks), events);
    images = new ImageService(stores.images(), containers, events, stores.contentStore(), data.resolve("tmp"),
        new LayerIndex(stores.metadata()), new RegistryAccess(Credentials.NONE, List.of(),
            RegistryAccess.DEFAULT_CERT_DIRS), id -> false,
        new ImageCommitter(stores.images(), stores.contentStore(), stores.snapshotter()));
    Path tar = DIR.resolve("busybox-rootfs.tar");
    Exec.Result r = Exec.run(Map.of(), null, 120,
        List.of(Exec.repoRoot().resolve("scripts/mkimage-busybox.sh").toString(), tar.toString()));
    assertThat(r.exit()).as("mkimage: %s", r).isZero();
    try (InputStream in = Files.newInputStream(tar)) {
      images.importRootfs(in, "it/busybox", "1", List.of("CMD [\"/bin/sh\"]"), null);
    }
    executor = new ContainerTaskExecutor(containers, streams, images, "node-it");
  }

  @AfterAll
  static void cleanUp() {
    if (containers != null) {
      for (Container c : containers.list()) {
        containers.remove(c.id, true, true);
      }
    }
    cleanHost();
  }

  private static void cleanHost() {
    Exec.sh("nft delete table ip " + NFT + " 2>/dev/null; ip link del " + BRIDGE + " 2>/dev/null; rm -rf " + DIR
        + "; rmdir /sys/fs/cgroup/*/berth-itte" + N + " /sys/fs/cgroup/berth-itte" + N + " 2>/dev/null; true");
  }

  @AfterEach
  void stopAgent() {
    if (agent != null) {
      agent.close();
    }
  }

  private Agent agent() {
    agent = new Agent(executor, updates -> updates.forEach((id, s) -> {
      latest.put(id, s);
      reported.add(id + " " + s.state().wire());
    }), Clock.systemUTC(), new Agent.Settings(2, 3, Duration.ofMillis(100), Duration.ofMillis(100),
        Duration.ZERO));
    agent.start();
    return agent;
  }

  private static Task task(String id, long slot, ContainerSpec spec, ResourceRequirements resources,
      TaskState desired) {
    return new Task(id, null, null, null, TaskSpec.of(spec).withResources(resources), "svc-it", slot, "node-it",
        new TaskStatus(null, TaskState.ASSIGNED, "scheduler assigned task to node", null), desired, null)
        .withServiceName("web");
  }

  private static ContainerSpec sh(String script) {
    return new ContainerSpec(IMAGE, Map.of("app", "it"), List.of("sh", "-c"), List.of(script), null, null, null,
        null, null);
  }

  private void until(String taskId, TaskState state) throws InterruptedException {
    until(() -> latest.containsKey(taskId) && latest.get(taskId).state() == state);
    assertThat(latest.get(taskId)).as("status of %s (reports %s)", taskId, reported).isNotNull();
    assertThat(latest.get(taskId).state()).as("status of %s (reports %s)", taskId, reported).isEqualTo(state);
  }

  private static void until(BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 600 && !condition.getAsBoolean(); i++) {
      Thread.sleep(50);
    }
  }

  /** A task's container removed from outside the agent (docker rm, the dashboard) counts as removed. */
  @Test
  void removingATaskContainerThatIsAlreadyGoneIsDone() {
    executor.remove("0123456789ab0123456789ab0123456789ab0123456789ab0123456789abcdef");
  }

  @Test
  void tasksRunToTheirExitAsDockerReportsThem() throws Exception {
    agent().assigned(List.of(
        task("itok", 1, sh("echo hello from a task; exit 0"), null, TaskState.RUNNING),
        task("itbad", 2, sh("exit 3"), null, TaskState.RUNNING)));
    until("itok", TaskState.COMPLETE);
    until("itbad", TaskState.FAILED);

    assertThat(latest.get("itbad").err()).isEqualTo("task: non-zero exit (3)");
    assertThat(latest.get("itbad").containerStatus().exitCode()).isEqualTo(3);
    assertThat(reported.stream().filter(s -> s.startsWith("itok ")))
        .containsExactly("itok accepted", "itok preparing", "itok ready", "itok starting", "itok running",
            "itok complete");
    Container ok = containers.get("web.1.itok");
    assertThat(ok.id).isEqualTo(latest.get("itok").containerStatus().containerId());
    assertThat(ok.labels()).containsEntry("com.docker.swarm.task.id", "itok")
        .containsEntry("com.docker.swarm.service.name", "web").containsEntry("com.docker.swarm.node.id", "node-it")
        .containsEntry("app", "it");
    List<String> lines = new ArrayList<>();
    agent.logs("itok", TaskLogQuery.ALL, e -> lines.add(new String(e.data()).strip()));
    assertThat(lines).containsExactly("hello from a task");
  }

  @Test
  void aRunningTaskIsLimitedAdoptedByANewAgentThenShutDownAndRemoved() throws Exception {
    Task t = task("itrun", 1, new ContainerSpec(IMAGE, null, List.of("sleep"), List.of("300"), "taskhost",
        List.of("MODE=it"), "/tmp", null, null).withStopGracePeriod(Duration.ofSeconds(1).toNanos()),
        new ResourceRequirements(new Resources(500_000_000L, 64L << 20), null), TaskState.RUNNING);
    agent().assigned(List.of(t));
    until("itrun", TaskState.RUNNING);
    Container c = containers.get("web.1.itrun");
    assertThat(c.state.running()).isTrue();
    assertThat(c.state.pid).isEqualTo(latest.get("itrun").containerStatus().pid());
    assertThat(c.hostConfig.get("Memory").asLong()).isEqualTo(64L << 20);
    assertThat(c.hostConfig.get("NanoCpus").asLong()).isEqualTo(500_000_000L);
    assertThat(c.config.get("Hostname").asText()).isEqualTo("taskhost");
    String startedAt = c.state.startedAt;

    // the agent restarts (berthd's would after a crash) before its running report reached the
    // managers: the container is adopted, reported running, not started again
    agent.close();
    reported.clear();
    agent().assigned(List.of(t.withStatus(new TaskStatus(null, TaskState.STARTING, "starting", null))));
    until(() -> reported.contains("itrun running"));
    assertThat(reported).containsExactly("itrun running");
    assertThat(latest.get("itrun").containerStatus().containerId()).isEqualTo(c.id);
    assertThat(containers.get(c.id).state.startedAt).isEqualTo(startedAt);
    assertThat(containers.get(c.id).state.pid).isEqualTo(c.state.pid);

    agent.assigned(List.of(t.withStatus(latest.get("itrun")).withDesiredState(TaskState.SHUTDOWN)));
    until("itrun", TaskState.SHUTDOWN);
    assertThat(containers.get(c.id).state.running()).isFalse(); // stopped, kept (docker ps -a)

    agent.assigned(List.of());
    until(() -> containers.list().stream().noneMatch(x -> x.id.equals(c.id)));
    assertThat(containers.list()).noneMatch(x -> x.id.equals(c.id));
  }

  @Test
  void aPrivateImageIsPulledWithTheRegistryAuthTheTaskCarries() throws Exception {
    Path dir = DIR.resolve("registry");
    Files.createDirectories(dir);
    Htpasswd.write(dir.resolve("htpasswd"), "alice", "s3cret");
    String reg;
    try (ServerSocket s = new ServerSocket(0)) {
      reg = "127.0.0.1:" + s.getLocalPort();
    }
    Process registry = new ProcessBuilder(Exec.repoRoot().resolve("bin/berth").toString(), "registry", "serve",
        "--addr", reg, "--storage", dir.resolve("storage").toString(), "--htpasswd", dir.resolve("htpasswd").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
    try {
      for (int i = 0; i < 200 && Exec.sh("curl -s -o /dev/null http://" + reg + "/v2/").exit() != 0; i++) {
        Thread.sleep(100);
      }
      String image = reg + "/team/app:1";
      images.tag(IMAGE, reg + "/team/app", "1");
      images.push(images.pushTarget(reg + "/team/app", "1", null), new Credentials("alice", "s3cret", null),
          (id, status, current, total) -> { });
      images.remove(image, false); // only the tag goes: the node must pull it
      ContainerSpec spec = new ContainerSpec(image, null, List.of("sh", "-c"), List.of("exit 0"), null, null, null,
          null, null);

      agent().assigned(List.of(task("itanon", 1, spec, null, TaskState.RUNNING)));
      until("itanon", TaskState.REJECTED);
      assertThat(latest.get("itanon").err()).isEqualTo("No such image: " + image);

      String auth = Base64.getUrlEncoder().encodeToString(
          "{\"username\":\"alice\",\"password\":\"s3cret\"}".getBytes(StandardCharsets.UTF_8));
      agent.assigned(List.of(task("itauth", 2,
          spec.withPullOptions(new ContainerSpec.PullOptions(auth)), null, TaskState.RUNNING)));
      until("itauth", TaskState.COMPLETE);
      assertThat(images.get(image)).isNotNull();
    } finally {
      registry.destroy();
      registry.waitFor(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void aTaskWithAHealthCheckRunsOnlyOnceHealthyAndFailsWhenUnhealthy() throws Exception {
    HealthConfig becomesHealthy = new HealthConfig(List.of("CMD-SHELL", "test -f /tmp/ok"), 300_000_000L, null,
        null, null, 30);
    HealthConfig neverHealthy = new HealthConfig(List.of("CMD", "false"), 300_000_000L, null, null, null, 1);
    // a shell that ends at once on the stop's SIGTERM (pid 1 ignores it otherwise)
    String trapped = "trap 'exit 143' TERM; ";
    agent().assigned(List.of(
        task("ithealthy", 1, sh(trapped + "sleep 1; touch /tmp/ok; sleep 300 & wait").withHealthcheck(becomesHealthy),
            null, TaskState.RUNNING),
        task("itsick", 2, sh(trapped + "sleep 300 & wait").withHealthcheck(neverHealthy), null, TaskState.RUNNING)));
    until("ithealthy", TaskState.RUNNING);
    until("itsick", TaskState.FAILED);

    assertThat(containers.get("web.1.ithealthy").state.health.status).isEqualTo("healthy");
    assertThat(reported.stream().filter(r -> r.startsWith("ithealthy "))).endsWith("ithealthy starting",
        "ithealthy running");
    assertThat(latest.get("itsick").err()).isEqualTo("task: non-zero exit (143): unhealthy container");
    assertThat(latest.get("itsick").message()).isEqualTo("starting"); // it never counted as running
    assertThat(containers.get("web.2.itsick").state.running()).isFalse();

    // healthy at first, unhealthy later: stopped, and the task fails saying why
    Exec.sh("rm -f /proc/" + containers.get("web.1.ithealthy").state.pid + "/root/tmp/ok");
    until("ithealthy", TaskState.FAILED);
    assertThat(latest.get("ithealthy").err()).isEqualTo("task: non-zero exit (143): unhealthy container");
    assertThat(latest.get("ithealthy").message()).isEqualTo("started");
  }

  @Test
  void aTaskWhoseImageCannotBeHadIsRejected() throws Exception {
    // a registry on a closed loopback port: the pull fails at once, and nothing of that name is here
    agent().assigned(List.of(task("itnoimg", 1, ContainerSpec.of("127.0.0.1:1/nope:1"), null, TaskState.RUNNING)));
    until("itnoimg", TaskState.REJECTED);
    assertThat(latest.get("itnoimg").err()).isEqualTo("No such image: 127.0.0.1:1/nope:1");
    assertThat(containers.list()).noneMatch(x -> x.name.contains("itnoimg"));
  }
}
