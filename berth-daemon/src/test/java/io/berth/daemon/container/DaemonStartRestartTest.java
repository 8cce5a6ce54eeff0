package io.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.store.meta.FileMetadataStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which exited containers a daemon start starts again, as dockerd's restore decides: always
 * (even after a stop by hand), unless-stopped (not after one), on-failure (a non-zero last exit
 * with retries left), never no, and never a container that has not run yet; and which it
 * removes: every {@code --rm} container not running.
 */
class DaemonStartRestartTest {
  @TempDir Path tmp;
  private final ManualScheduler scheduler = new ManualScheduler();
  private final List<String> started = new ArrayList<>();
  private final List<String> autoRemoved = new ArrayList<>();
  private ContainerRepository repo;
  private ContainerExits exits;
  private boolean failStarts;

  @BeforeEach
  void setUp() {
    repo = new ContainerRepository(new FileMetadataStore(tmp.resolve("meta")));
    exits = new ContainerExits(repo, null, null, null, null, null, scheduler, new ContainerExits.Lifecycle() {
      @Override
      public void startLocked(Container c) {
        if (failStarts) {
          throw new InvalidArgumentException("image gone");
        }
        started.add(c.name);
        c.state.to(c.id, ContainerStatus.RUNNING);
      }

      @Override
      public void autoRemove(Container c) {
        autoRemoved.add(c.name);
      }

      @Override
      public void emit(Container c, String action, Map<String, String> extra) {}
    });
  }

  /** An exited container as the record holds it when the daemon comes up. */
  private Container exited(String name, String policy, int maxRetries, int exitCode, boolean byHand) {
    Container c = new Container();
    c.id = (name + "0".repeat(64)).substring(0, 64);
    c.name = name;
    c.imageId = "sha256:" + "0".repeat(64);
    c.config = RecordJson.object();
    c.hostConfig = RecordJson.object();
    c.hostConfig.putObject("RestartPolicy").put("Name", policy).put("MaximumRetryCount", maxRetries);
    repo.add(c);
    c.state.to(c.id, ContainerStatus.RUNNING);
    c.state.everStarted = true;
    c.state.to(c.id, ContainerStatus.EXITED);
    c.state.exitCode = exitCode;
    c.state.manuallyStopped = byHand;
    return c;
  }

  @Test
  void eachPolicyDecidesAsDockerdDoesAtItsStart() {
    Container always = exited("always-stopped", "always", 0, 143, true);
    exited("unless-stopped", "unless-stopped", 0, 143, true);
    exited("unless-died", "unless-stopped", 0, 0, false);
    exited("failed", "on-failure", 0, 137, false);
    exited("failed-stopped", "on-failure", 0, 143, true);
    exited("succeeded", "on-failure", 0, 0, false);
    Container spent = exited("retries-spent", "on-failure", 2, 1, false);
    spent.state.restartCount = 2;
    exited("no", "no", 0, 1, false);
    exited("none", "", 0, 1, false);
    Container fresh = exited("never-ran", "always", 0, 0, false);
    fresh.state.everStarted = false;

    exits.recover(null);
    assertThat(started).as("nothing starts before the scheduler runs it").isEmpty();
    scheduler.advance(Duration.ZERO);

    assertThat(started).containsExactlyInAnyOrder("always-stopped", "unless-died", "failed", "failed-stopped");
    assertThat(always.state.manuallyStopped).as("a start clears the stop by hand").isFalse();
    assertThat(always.state.restartCount).as("a daemon start is no restart").isZero();
  }

  @Test
  void aContainerRemovedOrStartedBeforeItsTurnIsLeftAlone() {
    Container removed = exited("removed", "always", 0, 0, true);
    Container startedByUser = exited("by-user", "always", 0, 0, true);
    exits.recover(null);
    synchronized (removed) {
      repo.remove(removed);
    }
    startedByUser.state.to(startedByUser.id, ContainerStatus.RUNNING);
    scheduler.advance(Duration.ZERO);
    assertThat(started).isEmpty();
  }

  @Test
  void aStartThatFailsLeavesTheContainerExited() {
    Container c = exited("broken", "always", 0, 1, false);
    failStarts = true;
    exits.recover(null);
    scheduler.advance(Duration.ZERO);
    assertThat(c.state.status()).isEqualTo(ContainerStatus.EXITED);
    assertThat(scheduler.pending()).as("no retry loop at daemon start").isZero();
  }

  @Test
  void autoRemoveContainersNotRunningAreRemoved() {
    Container died = exited("rm-died", "", 0, 137, false);
    died.hostConfig.put("AutoRemove", true);
    Container created = exited("rm-created", "no", 0, 0, false);
    created.hostConfig.put("AutoRemove", true);
    created.state.everStarted = false;
    exited("kept", "no", 0, 137, false);
    Container startedMeanwhile = exited("rm-started", "", 0, 0, true);
    startedMeanwhile.hostConfig.put("AutoRemove", true);

    exits.recover(null);
    assertThat(autoRemoved).as("nothing is removed before the scheduler runs it").isEmpty();
    startedMeanwhile.state.to(startedMeanwhile.id, ContainerStatus.RUNNING);
    scheduler.advance(Duration.ZERO);

    assertThat(autoRemoved).containsExactlyInAnyOrder("rm-died", "rm-created");
    assertThat(started).isEmpty();
  }
}
