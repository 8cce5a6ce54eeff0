package io.berth.cluster.raft;

import io.berth.errdefs.ConflictException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Committed service updates per second on three in-process members (bench/raft.sh runs it):
 * writers spread over the three members read a service object and update it from the version
 * they read, as an orchestrator or {@code docker service update} does; a conflict is counted and
 * retried. Then the time from closing the leader until a write on a survivor commits. A figure,
 * not a test: it prints a markdown table.
 *
 * <p>Arguments: seconds per run (default 10), then the writer counts (default 1 8 32 128).
 */
public final class RaftStoreBench {
  private static final int SERVICES = 200;
  private static final int VALUE_BYTES = 1536; // about a service spec in JSON

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int[] writers = args.length > 1
        ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
        : new int[] {1, 8, 32, 128};
    Path dir = Files.createTempDirectory("berth-raft-bench");
    try (RaftTestGroup g = new RaftTestGroup(dir, c -> c).startAll(3)) {
      RaftClusterStore leader = g.awaitLeader();
      byte[] value = new byte[VALUE_BYTES];
      for (int i = 0; i < SERVICES; i++) {
        leader.create("services", "svc" + i, value);
      }
      System.out.println("| writers | committed updates/s | conflicts retried/s | log index at end |");
      System.out.println("|---|---|---|---|");
      run(g, 1, 2, false); // warm-up: JIT and channels
      for (int w : writers) {
        double[] r = run(g, w, seconds, true);
        System.out.printf("| %d | %.0f | %.0f | %d |%n", w, r[0], r[1], g.get("m1").index());
      }
      long t0 = System.nanoTime();
      String old = g.awaitLeader().id();
      g.stop(old);
      RaftClusterStore survivor = g.running().getFirst();
      long tries = 0;
      while (true) {
        tries++;
        try {
          survivor.create("nodes", "after-failover", value);
          break;
        } catch (io.berth.errdefs.UnavailableException e) {
          if (tries > 20) {
            throw e;
          }
        }
      }
      System.out.printf("%nLeader %s closed: a write on %s committed %.2f s later (election timeout %d-%d ms).%n",
          old, survivor.id(), (System.nanoTime() - t0) / 1e9,
          RaftStoreConfig.DEFAULT_ELECTION_TIMEOUT.toMillis(), 2 * RaftStoreConfig.DEFAULT_ELECTION_TIMEOUT.toMillis());
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Updates for {@code seconds} with {@code writers} threads; returns updates/s and conflicts/s. */
  private static double[] run(RaftTestGroup g, int writers, int seconds, boolean measured) throws InterruptedException {
    List<RaftClusterStore> members = g.running();
    LongAdder done = new LongAdder();
    LongAdder conflicts = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      RaftClusterStore m = members.get(i % members.size());
      threads.add(Thread.ofVirtual().start(() -> {
        var rnd = ThreadLocalRandom.current();
        byte[] value = new byte[VALUE_BYTES];
        while (!stop.get()) {
          String key = "svc" + rnd.nextInt(SERVICES);
          StoredObject current = m.get("services", key).orElseThrow();
          rnd.nextBytes(value);
          try {
            m.update("services", key, current.version(), value);
            done.increment();
          } catch (ConflictException e) {
            conflicts.increment();
          }
        }
      }));
    }
    long t0 = System.nanoTime();
    Thread.sleep(Duration.ofSeconds(seconds));
    stop.set(true);
    for (Thread t : threads) {
      t.join(Duration.ofSeconds(30));
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    return new double[] {done.sum() / elapsed, conflicts.sum() / elapsed};
  }

  private RaftStoreBench() {}
}
