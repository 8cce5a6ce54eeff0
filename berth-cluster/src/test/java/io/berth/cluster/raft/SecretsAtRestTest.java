package io.berth.cluster.raft;

import static io.berth.cluster.raft.ClusterStoreConformance.b;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.ca.keys.SecretsKey;
import io.berth.cluster.control.PayloadControl;
import io.berth.cluster.control.PayloadKind;
import io.berth.cluster.model.Payload;
import io.berth.cluster.model.PayloadSpec;
import io.berth.cluster.state.ClusterState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bytes the replicated store leaves on disk (Raft log segments and snapshots) never hold a
 * secret's payload, neither as it is nor in base64, while a config's payload (not secret, as in
 * Docker) is found there by the same scan, which shows the scan reads what is written.
 */
class SecretsAtRestTest {
  private static final String SECRET = "hunter2-topsecret-payload";
  private static final String CONFIG = "config-payload-in-clear";
  @TempDir Path dir;

  @Test
  void theRaftLogAndSnapshotsHoldOnlyTheSealedSecret() throws IOException {
    try (RaftTestGroup g = new RaftTestGroup(dir, c -> c
        .withTimeouts(Duration.ofSeconds(4), Duration.ofMillis(300))
        .withSnapshotEvery(10)).startAll(1)) {
      ClusterState state = new ClusterState(g.awaitLeader());
      SecretsKey key = SecretsKey.generate();
      state.useSecretsKey(key);
      Payload secret = new PayloadControl(state, PayloadKind.SECRET, Clock.systemUTC())
          .create(new PayloadSpec("pw", Map.of(), SECRET.getBytes(StandardCharsets.UTF_8), null, null));
      new PayloadControl(state, PayloadKind.CONFIG, Clock.systemUTC())
          .create(new PayloadSpec("conf", Map.of(), CONFIG.getBytes(StandardCharsets.UTF_8), null, null));
      StoredObject last = null;
      for (int i = 0; i < 30; i++) { // past a snapshot, which then holds both objects
        last = g.awaitLeader().create("tasks", "t" + i, b("x" + i));
      }
      g.awaitApplied(last.version());
      g.stop("m1"); // everything flushed and closed

      List<Path> files = files(dir);
      assertThat(files).anyMatch(p -> p.getFileName().toString().startsWith("snapshot."));
      assertThat(files).anyMatch(p -> p.getFileName().toString().startsWith("log_"));
      assertThat(anyContains(files, base64(CONFIG))).isTrue();
      assertThat(anyContains(files, SECRET)).isFalse();
      assertThat(anyContains(files, base64(SECRET))).isFalse();

      // the member restarted from those files opens it with the key, and with no other
      ClusterState back = new ClusterState(g.restart("m1"));
      g.awaitApplied(last.version());
      Payload stored = back.payload(ClusterState.SECRETS, secret.id()).orElseThrow();
      back.useSecretsKey(SecretsKey.generate());
      PayloadControl secrets = new PayloadControl(back, PayloadKind.SECRET, Clock.systemUTC());
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> secrets.plain(stored))
          .hasMessageContaining("does not open");
      back.useSecretsKey(key);
      assertThat(new String(secrets.plain(stored), StandardCharsets.UTF_8)).isEqualTo(SECRET);
    }
  }

  /** The base64 of {@code s} without its last, padding-dependent characters, as JSON would carry it. */
  private static String base64(String s) {
    String b = Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    return b.substring(0, b.length() - 4);
  }

  private static boolean anyContains(List<Path> files, String needle) throws IOException {
    for (Path p : files) {
      if (new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).contains(needle)) {
        return true;
      }
    }
    return false;
  }

  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile).toList();
    }
  }
}
