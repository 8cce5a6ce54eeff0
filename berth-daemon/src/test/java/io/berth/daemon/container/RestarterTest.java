package io.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.store.meta.FileMetadataStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The restart policy applied on a manual scheduler: when starts happen, and what stops them. */
class RestarterTest {
  @TempDir Path tmp;
  private final ManualScheduler scheduler = new ManualScheduler();
  private final List<java.time.Instant> starts = new ArrayList<>();
  private ContainerRepository repo;
  private Restarter restarter;
  private boolean failStarts;

  @BeforeEach
  void setUp() {
    repo = new ContainerRepository(new FileMetadataStore(tmp.resolve("meta")));
    restarter = new Restarter(scheduler, repo, c -> {
      if (failStarts) {
        c.state.to(c.id, ContainerStatus.EXITED);
        throw new InvalidArgumentException("no such file");
      }
      starts.add(scheduler.now());
      c.state.to(c.id, ContainerStatus.RUNNING);
      c.state.startedAt = scheduler.now().toString();
    });
  }

  private Container running(String name) {
    Container c = new Container();
    c.id = name.repeat(64).substring(0, 64);
    c.name = name;
    c.imageId = "sha256:" + "0".repeat(64);
    c.config = RecordJson.object();
    c.hostConfig = RecordJson.object();
    repo.add(c);
    c.state.to(c.id, ContainerStatus.RUNNING);
    c.state.startedAt = scheduler.now().toString();
    return c;
  }

  /** The exit as ContainerExits records it, then the policy. */
  private boolean exit(Container c, int code, RestartPolicy policy) {
    synchronized (c) {
      c.state.to(c.id, ContainerStatus.EXITED);
      c.state.exitCode = code;
      return restarter.afterExit(c, policy);
    }
  }

  @Test
  void aQuicklyFailingContainerIsRestartedWithADoublingBackOff() {
    Container c = running("a");
    RestartPolicy always = new RestartPolicy("always", 0);
    assertThat(exit(c, 1, always)).isTrue();
    assertThat(c.state.status()).isEqualTo(ContainerStatus.RESTARTING);
    scheduler.advance(Duration.ofMillis(99));
    assertThat(starts).isEmpty();
    scheduler.advance(Duration.ofMillis(1));
    assertThat(starts).hasSize(1);
    assertThat(c.state.restartCount).isEqualTo(1);
    exit(c, 1, always);
    scheduler.advance(Duration.ofMillis(199));
    assertThat(starts).hasSize(1);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(starts).hasSize(2);
    assertThat(c.state.status()).isEqualTo(ContainerStatus.RUNNING);
  }

  @Test
  void aRunOfMoreThanTenSecondsResetsTheBackOff() {
    Container c = running("b");
    c.state.restartCount = 6;
    scheduler.advance(Duration.ofSeconds(11));
    exit(c, 0, new RestartPolicy("unless-stopped", 0));
    scheduler.advance(Duration.ofMillis(100));
    assertThat(starts).hasSize(1);
  }

  @Test
  void aStopOrRemovalDuringTheBackOffWins() {
    Container stopped = running("c");
    Container removed = running("d");
    exit(stopped, 1, new RestartPolicy("on-failure", 0));
    exit(removed, 1, new RestartPolicy("on-failure", 0));
    stopped.state.to(stopped.id, ContainerStatus.EXITED); // what stop does to a restarting one
    repo.remove(removed);
    scheduler.advance(Duration.ofMinutes(2));
    assertThat(starts).isEmpty();
    assertThat(stopped.state.restartCount).isZero();
  }

  @Test
  void noRestartWithoutAPolicyOrAfterRetriesOrAFailedStart() {
    Container c = running("e");
    assertThat(exit(c, 1, RestartPolicy.NO)).isFalse();
    assertThat(c.state.status()).isEqualTo(ContainerStatus.EXITED);
    assertThat(scheduler.pending()).isZero();
    c.state.restartCount = 3;
    assertThat(exit(running("f"), 0, new RestartPolicy("on-failure", 3))).isFalse();
    failStarts = true;
    exit(c, 1, new RestartPolicy("always", 0));
    scheduler.advance(Duration.ofMinutes(2));
    assertThat(c.state.status()).isEqualTo(ContainerStatus.EXITED);
    assertThat(scheduler.pending()).as("a failed restart is not retried by itself").isZero();
  }
}
