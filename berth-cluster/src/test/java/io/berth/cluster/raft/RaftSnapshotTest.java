package io.berth.cluster.raft;

import static io.berth.cluster.raft.ClusterStoreConformance.b;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots bound the log; a member that missed the purged part catches up from a snapshot. */
class RaftSnapshotTest {
  private static final int SNAPSHOT_EVERY = 20;
  @TempDir Path dir;

  @Test
  void theLogIsPurgedAfterASnapshotAndALaggingMemberCatchesUpFromIt() throws IOException {
    try (RaftTestGroup g = new RaftTestGroup(dir, c -> c
        .withTimeouts(Duration.ofSeconds(4), Duration.ofMillis(300))
        .withSnapshotEvery(SNAPSHOT_EVERY)).startAll(3)) {
      StoredObject first = g.awaitLeader().create("tasks", "first", b("before m3 stopped"));
      g.awaitApplied(first.version());
      long m3StoppedAt = g.get("m3").index();
      g.stop("m3");
      RaftClusterStore leader = g.awaitLeader();
      StoredObject last = null;
      for (int i = 0; i < 10 * SNAPSHOT_EVERY; i++) {
        last = leader.create("tasks", String.format("t%04d", i), b("x".repeat(100) + i));
      }
      g.awaitApplied(last.version());
      Path leaderDir = dir.resolve(leader.id());
      assertThat(newestSnapshot(leaderDir)).isGreaterThan(m3StoppedAt);
      // the log's first segments are gone: it starts after what m3 has, so m3 needs a snapshot
      assertThat(firstLogIndex(leaderDir)).isGreaterThan(m3StoppedAt + 1);

      RaftClusterStore m3 = g.restart("m3");
      g.awaitApplied(last.version());
      assertThat(m3.list("tasks", "")).hasSize(10 * SNAPSHOT_EVERY + 1);
      assertThat(m3.get("tasks", "t0199")).contains(last);
      // it could not replay the purged entries: it was sent the leader's snapshot
      assertThat(newestSnapshot(dir.resolve("m3"))).isGreaterThan(m3StoppedAt);

      // every member restarts from its own snapshot and log tail
      for (String id : List.of("m1", "m2", "m3")) {
        g.stop(id);
      }
      for (String id : List.of("m1", "m2", "m3")) {
        g.restart(id);
      }
      g.awaitLeader();
      g.awaitApplied(last.version());
      for (RaftClusterStore s : g.running()) {
        assertThat(s.list("tasks", "")).hasSize(10 * SNAPSHOT_EVERY + 1);
        assertThat(s.get("tasks", "first")).contains(first);
      }
    }
  }

  /** The index of the newest snapshot file ({@code snapshot.TERM_INDEX}), -1 if none. */
  private static long newestSnapshot(Path memberDir) throws IOException {
    return files(memberDir, "snapshot.").stream()
        .map(p -> p.getFileName().toString())
        .filter(n -> n.matches("snapshot\\.[0-9]+_[0-9]+"))
        .mapToLong(n -> Long.parseLong(n.substring(n.indexOf('_') + 1)))
        .max().orElse(-1);
  }

  /** The first index of the oldest log segment ({@code log_FIRST-LAST}, {@code log_inprogress_FIRST}). */
  private static long firstLogIndex(Path memberDir) throws IOException {
    return files(memberDir, "log_").stream()
        .map(p -> p.getFileName().toString().replace("log_inprogress_", "").replace("log_", ""))
        .mapToLong(n -> Long.parseLong(n.contains("-") ? n.substring(0, n.indexOf('-')) : n))
        .min().orElseThrow();
  }

  private static List<Path> files(Path memberDir, String prefix) throws IOException {
    try (Stream<Path> s = Files.walk(memberDir)) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
    }
  }
}
