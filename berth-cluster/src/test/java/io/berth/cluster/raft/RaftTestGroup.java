package io.berth.cluster.raft;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * In-process Raft members on loopback ports, each with its own storage directory under a test's
 * temporary directory, and bounded waits for what the tests expect to happen.
 */
final class RaftTestGroup implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(30);

  private final Path root;
  private final UUID cluster = UUID.randomUUID();
  private final UnaryOperator<RaftStoreConfig> tune;
  private final Map<String, RaftMember> members = new LinkedHashMap<>();
  private final Map<String, RaftClusterStore> running = new LinkedHashMap<>();

  RaftTestGroup(Path root, UnaryOperator<RaftStoreConfig> tune) {
    this.root = root;
    this.tune = tune;
  }

  RaftTestGroup(Path root) {
    this(root, c -> c.withTimeouts(Duration.ofSeconds(4), Duration.ofMillis(300)));
  }

  /** Starts {@code n} members m1..mn as one group and waits for a leader. */
  RaftTestGroup startAll(int n) {
    for (int i = 1; i <= n; i++) {
      members.put("m" + i, new RaftMember("m" + i, "127.0.0.1:" + freePort()));
    }
    for (String id : List.copyOf(members.keySet())) {
      start(id, List.copyOf(members.values()));
    }
    awaitLeader();
    return this;
  }

  /**
   * A process that is not a member of the group but knows its members and speaks the same
   * protocol (with {@code tls}): what the TLS tests let in or keep out.
   */
  RaftStoreConfig outsider(String id, RaftTls tls) {
    RaftMember self = new RaftMember(id, "127.0.0.1:" + freePort());
    List<RaftMember> peers = new ArrayList<>(get("m1").members());
    peers.add(self);
    return RaftStoreConfig.of(self, cluster, peers, root.resolve(id))
        .withTimeouts(Duration.ofSeconds(3), Duration.ofMillis(300))
        .withTls(tls);
  }

  UUID cluster() {
    return cluster;
  }

  RaftClusterStore start(String id, List<RaftMember> peers) {
    RaftMember self = member(id);
    RaftClusterStore s = RaftClusterStore.start(tune.apply(RaftStoreConfig.of(self, cluster, peers, root.resolve(id))));
    running.put(id, s);
    return s;
  }

  /** Restarts a stopped member from its directory with the members it was started with. */
  RaftClusterStore restart(String id) {
    return start(id, List.copyOf(members.values()));
  }

  /** The member {@code id}, given a free loopback port the first time it is named. */
  RaftMember member(String id) {
    return members.computeIfAbsent(id, k -> new RaftMember(k, "127.0.0.1:" + freePort()));
  }

  RaftClusterStore get(String id) {
    return running.get(id);
  }

  List<RaftClusterStore> running() {
    return List.copyOf(running.values());
  }

  void stop(String id) {
    running.remove(id).close();
  }

  RaftClusterStore awaitLeader() {
    RaftClusterStore[] found = new RaftClusterStore[1];
    await("a leader among " + running.keySet(), () -> {
      for (RaftClusterStore s : running.values()) {
        if (s.isLeader()) {
          found[0] = s;
          return true;
        }
      }
      return false;
    });
    return found[0];
  }

  RaftClusterStore aFollower() {
    RaftClusterStore leader = awaitLeader();
    return running.values().stream().filter(s -> s != leader).findFirst().orElseThrow();
  }

  /** Waits until every running member has applied {@code index}. */
  void awaitApplied(long index) {
    await("all members at index " + index, () -> running.values().stream().allMatch(s -> s.index() >= index));
  }

  Optional<StoredObject> read(String id, String kind, String key) {
    return running.get(id).get(kind, key);
  }

  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    for (int i = 0; i < 3000; i++) {
      if (condition.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        break;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
    throw new AssertionError("gave up waiting for " + what + " after " + WAIT);
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError("no free loopback port", e);
    }
  }

  @Override
  public void close() {
    List<RuntimeException> errors = new ArrayList<>();
    for (String id : List.copyOf(running.keySet())) {
      try {
        stop(id);
      } catch (RuntimeException e) {
        errors.add(e);
      }
    }
    if (!errors.isEmpty()) {
      throw errors.getFirst();
    }
  }
}
