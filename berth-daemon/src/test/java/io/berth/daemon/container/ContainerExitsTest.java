package io.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.store.meta.FileMetadataStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker wait} as the owner of exits answers it: the lifecycle only tells it of failed
 * starts and removals (the exit itself comes from the runtime and is covered end to end).
 */
class ContainerExitsTest {
  @TempDir Path tmp;
  private ContainerExits exits;
  private Container c;

  @BeforeEach
  void setUp() {
    ContainerRepository repo = new ContainerRepository(new FileMetadataStore(tmp.resolve("meta")));
    exits = new ContainerExits(repo, null, null, null, null, null, new ManualScheduler(),
        new ContainerExits.Lifecycle() {
          @Override
          public void startLocked(Container c) {}

          @Override
          public void autoRemove(Container c) {}

          @Override
          public void emit(Container c, String action, Map<String, String> extra) {}
        });
    c = new Container();
    c.id = "e".repeat(64);
    c.name = "e";
    c.imageId = "sha256:" + "0".repeat(64);
    c.config = RecordJson.object();
    c.hostConfig = RecordJson.object();
    repo.add(c);
  }

  @Test
  void notRunningIsAnsweredAtOnceForAStoppedContainer() throws Exception {
    c.state.exitCode = 4;
    assertThat(exits.waitFor(c, "").get()).isEqualTo(4);
    assertThat(exits.waitFor(c, null).get()).isEqualTo(4);
    assertThat(exits.waitFor(c, "next-exit")).isNotDone();
  }

  @Test
  void aFailedStartEndsOnlyTheNextExit() throws Exception {
    c.state.to(c.id, ContainerStatus.RUNNING);
    CompletableFuture<Integer> next = exits.waitFor(c, "next-exit");
    CompletableFuture<Integer> notRunning = exits.waitFor(c, "not-running");
    CompletableFuture<Integer> removed = exits.waitFor(c, "removed");
    c.state.exitCode = 127;
    exits.startFailed(c);
    assertThat(next.get()).isEqualTo(127);
    assertThat(notRunning).isNotDone();
    assertThat(removed).isNotDone();
  }

  @Test
  void aRemovalAnswersEveryWaiterAndKeepsNothing() throws Exception {
    c.state.to(c.id, ContainerStatus.RUNNING);
    exits.expect(c);
    CompletableFuture<Integer> next = exits.waitFor(c, "next-exit");
    CompletableFuture<Integer> removed = exits.waitFor(c, "removed");
    c.state.to(c.id, ContainerStatus.EXITED);
    c.state.exitCode = 137;
    exits.removed(c);
    c.removed = true;
    assertThat(next.get()).isEqualTo(137);
    assertThat(removed.get()).isEqualTo(137);
    assertThat(exits.current(c.id)).isNull();
    assertThat(exits.waitFor(c, "removed").get()).as("a wait that lands after the removal").isEqualTo(137);
  }

  @Test
  void anUnknownConditionIsRefusedByName() {
    assertThatThrownBy(() -> exits.waitFor(c, "eventually"))
        .isInstanceOf(InvalidArgumentException.class).hasMessage("invalid condition: \"eventually\"");
  }
}
