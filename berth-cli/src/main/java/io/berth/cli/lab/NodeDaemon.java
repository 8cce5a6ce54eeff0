package io.berth.cli.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.client.ApiClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One node's berthd: run in the node's network and UTS namespaces (not its mount namespace, so
 * its sockets, roots and container mounts are on the host's file system, where a restarted
 * berthd finds them again), with roots, socket, bridge, nft table and cgroup parent of its own.
 */
final class NodeDaemon {
  static final Duration START_LIMIT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final LabPaths paths;
  private final LabState lab;
  private final LabState.Node node;
  private Process started;

  NodeDaemon(LabPaths paths, LabState lab, LabState.Node node) {
    this.paths = paths;
    this.lab = lab;
    this.node = node;
  }

  private Path dir() {
    return paths.node(node.name());
  }

  /** What is on the command line of this node's berthd and no other process. */
  private String marker() {
    return "--data-root " + dir().resolve("data");
  }

  Path log() {
    return dir().resolve("berthd.log");
  }

  long pid() {
    return LabProcess.pidIn(paths.pidFile(node.name()));
  }

  boolean alive() {
    return LabProcess.alive(pid(), marker());
  }

  /** Starts berthd without waiting for it; {@link #awaitReady} waits. */
  void start() {
    if (alive()) {
      throw new LabException("node " + node.name() + " of lab " + lab.name() + " is already running (pid " + pid() + ")");
    }
    if (!Files.exists(Path.of("/run/netns", node.netns()))) {
      throw new LabException("the network namespace " + node.netns() + " of node " + node.name()
          + " is gone (was the host restarted?): remove the lab with berth lab down --name " + lab.name());
    }
    try {
      Files.createDirectories(dir());
      Files.writeString(dir().resolve("daemon.json"), daemonJson());
      Files.deleteIfExists(paths.pidFile(node.name()));
    } catch (IOException e) {
      throw new LabException("cannot prepare " + dir() + ": " + e.getMessage());
    }
    started = LabProcess.spawn(List.of("nsenter", "--net=/run/netns/" + node.netns(), "--uts=" + paths.uts(node.name()), "--",
        Checkout.bin("berthd").toString(),
        "-H", paths.dockerHost(node.name()),
        "--data-root", dir().resolve("data").toString(),
        "--exec-root", dir().resolve("exec").toString(),
        "--config-file", dir().resolve("daemon.json").toString(),
        "--pidfile", paths.pidFile(node.name()).toString(),
        "--bridge", node.bridge(), "--bip", node.bip(),
        "--nft-table", node.nftTable(), "--cgroup-parent", node.cgroupParent()), log());
  }

  /**
   * The node's daemon.json. The nodes reach the lab registry over plain HTTP on the lab bridge, as
   * Docker users do with a registry of their own: an insecure-registries entry, set on every start.
   * Other settings already in the file (say a {@code dashboard-addr} written before a
   * {@code start}) are kept, so a node can be given options the lab does not know.
   */
  private String daemonJson() throws IOException {
    Path file = dir().resolve("daemon.json");
    JsonNode old = Files.exists(file) ? readJson(file) : JSON.createObjectNode();
    if (!(old instanceof ObjectNode config)) {
      throw new LabException(file + " is not a JSON object: fix or remove it");
    }
    config.putArray("insecure-registries").add(lab.registry());
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n";
  }

  private static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new LabException("cannot read " + file + " as JSON: " + e.getMessage());
    }
  }

  /** Waits until the berthd {@link #start} started answers; fails at once if it ended. */
  void awaitReady() {
    boolean ready = Waits.until(START_LIMIT, () -> !started.isAlive() || alive() && answers());
    if (!started.isAlive()) {
      throw new LabException("berthd of node " + node.name() + " exited with " + started.exitValue() + "; its log "
          + log() + " ends with:\n" + LabProcess.tail(log(), 20));
    }
    if (!ready) {
      throw new LabException("berthd of node " + node.name() + " did not answer within " + START_LIMIT.toSeconds()
          + "s; its log " + log() + " ends with:\n" + LabProcess.tail(log(), 20));
    }
  }

  /** Whether berthd answers {@code GET /_ping} with 200 within a few seconds. */
  boolean answers() {
    if (!Files.exists(paths.socket(node.name()))) {
      return false;
    }
    CompletableFuture<Boolean> ping = CompletableFuture.supplyAsync(() -> {
      try (ApiClient.Response r = new ApiClient(paths.dockerHost(node.name())).get("/_ping")) {
        return r.status() == 200;
      } catch (IOException | RuntimeException e) {
        return false;
      }
    }, task -> Thread.ofVirtual().start(task));
    try {
      return ping.get(3, TimeUnit.SECONDS);
    } catch (Exception e) {
      ping.cancel(true);
      return false;
    }
  }

  /** kill -9 of berthd alone: its containers and their conmons stay, as after a crash. */
  void kill() {
    LabProcess.kill(pid(), marker());
  }
}
