package io.berth.cluster.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.AlreadyExistsException;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ClusterStore} promises, run against each implementation by a subclass. */
public abstract class ClusterStoreConformance {
  protected ClusterStore store;

  protected abstract ClusterStore open() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = open();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void createThenGetGivesTheValueAtANewVersion() {
    long before = store.index();
    StoredObject o = store.create("services", "s1", b("web"));
    assertThat(o.version()).isGreaterThan(before);
    assertThat(store.get("services", "s1")).contains(o);
    assertThat(store.get("services", "nope")).isEmpty();
    assertThat(store.get("tasks", "s1")).isEmpty();
    assertThat(store.index()).isGreaterThanOrEqualTo(o.version());
  }

  @Test
  void createOfAnExistingObjectIsRefusedAndChangesNothing() {
    StoredObject o = store.create("nodes", "n1", b("a"));
    assertThatThrownBy(() -> store.create("nodes", "n1", b("b")))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessageContaining("nodes/n1");
    assertThat(store.get("nodes", "n1")).contains(o);
  }

  @Test
  void updateFromTheCurrentVersionMovesTheVersion() {
    StoredObject o = store.create("services", "s1", b("v1"));
    StoredObject u = store.update("services", "s1", o.version(), b("v2"));
    assertThat(u.version()).isGreaterThan(o.version());
    assertThat(store.get("services", "s1").orElseThrow().value()).isEqualTo(b("v2"));
  }

  @Test
  void updateFromAStaleVersionIsRefusedOutOfSequence() {
    StoredObject o = store.create("services", "s1", b("v1"));
    store.update("services", "s1", o.version(), b("v2"));
    assertThatThrownBy(() -> store.update("services", "s1", o.version(), b("v3")))
        .isInstanceOf(ConflictException.class)
        .hasMessageStartingWith("update out of sequence")
        .hasMessageContaining("services/s1");
    assertThat(store.get("services", "s1").orElseThrow().value()).isEqualTo(b("v2"));
  }

  @Test
  void updateAndDeleteOfAMissingObjectAreNotFound() {
    assertThatThrownBy(() -> store.update("tasks", "t9", 1, b("x")))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("tasks/t9");
    assertThatThrownBy(() -> store.delete("tasks", "t9"))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("tasks/t9");
  }

  @Test
  void deleteRemovesTheObject() {
    store.create("tasks", "t1", b("x"));
    store.delete("tasks", "t1");
    assertThat(store.get("tasks", "t1")).isEmpty();
    assertThat(store.list("tasks", "")).isEmpty();
  }

  @Test
  void listGivesOneKindByKeyPrefixInKeyOrder() {
    store.create("tasks", "svcA.2", b("a2"));
    store.create("tasks", "svcA.1", b("a1"));
    store.create("tasks", "svcB.1", b("b1"));
    store.create("services", "svcA", b("s"));
    store.create("tasksx", "svcA.3", b("other kind"));
    assertThat(store.list("tasks", "svcA.")).extracting(StoredObject::key).containsExactly("svcA.1", "svcA.2");
    assertThat(store.list("tasks", "")).extracting(StoredObject::key).containsExactly("svcA.1", "svcA.2", "svcB.1");
    assertThat(store.list("nodes", "")).isEmpty();
  }

  @Test
  void aBatchAppliesWholeAtOneVersion() {
    StoredObject s = store.create("services", "s1", b("v1"));
    store.create("tasks", "old", b("x"));
    List<StoredObject> out = store.apply(List.of(
        new Write.Update("services", "s1", s.version(), b("v2")),
        new Write.Create("tasks", "t1", b("t1")),
        new Write.Create("tasks", "t2", b("t2")),
        new Write.Delete("tasks", "old")));
    assertThat(out).hasSize(3);
    assertThat(out).extracting(StoredObject::version).containsOnly(out.getFirst().version());
    assertThat(store.list("tasks", "")).extracting(StoredObject::key).containsExactly("t1", "t2");
  }

  @Test
  void aBatchWithOneRefusedWriteChangesNothing() {
    StoredObject s = store.create("services", "s1", b("v1"));
    long index = store.index();
    assertThatThrownBy(() -> store.apply(List.of(
            new Write.Create("tasks", "t1", b("t1")),
            new Write.Update("services", "s1", s.version(), b("v2")),
            new Write.Create("tasks", "t1", b("again")))))
        .isInstanceOf(AlreadyExistsException.class);
    assertThat(store.get("tasks", "t1")).isEmpty();
    assertThat(store.get("services", "s1")).contains(s);
    assertThat(store.changesSince(index).changes()).isEmpty();
  }

  @Test
  void laterWritesOfABatchSeeTheEarlierOnes() {
    List<StoredObject> out = store.apply(List.of(
        new Write.Create("nodes", "n1", b("a")),
        new Write.Delete("nodes", "n1"),
        new Write.Create("nodes", "n1", b("b"))));
    assertThat(store.get("nodes", "n1").orElseThrow().value()).isEqualTo(b("b"));
    assertThat(out).hasSize(2);
  }

  @Test
  void badNamesAndEmptyBatchesAreInvalidArguments() {
    assertThatThrownBy(() -> store.create("", "k", b("x"))).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> store.create("a/b", "k", b("x"))).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> store.create("nodes", "", b("x"))).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> store.apply(List.of())).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void theChangeFeedGivesEveryChangeAfterAnIndexInOrder() throws InterruptedException {
    long start = store.index();
    StoredObject a = store.create("nodes", "n1", b("a"));
    StoredObject a2 = store.update("nodes", "n1", a.version(), b("a2"));
    store.delete("nodes", "n1");
    ChangeBatch batch = store.changesSince(start);
    assertThat(batch.complete()).isTrue();
    assertThat(batch.changes()).extracting(Change::type)
        .containsExactly(Change.Type.CREATE, Change.Type.UPDATE, Change.Type.DELETE);
    assertThat(batch.changes().get(2).object()).isEqualTo(a2);
    assertThat(store.changesSince(a2.version()).changes()).extracting(Change::type).containsExactly(Change.Type.DELETE);
    assertThat(store.changesSince(batch.index()).changes()).isEmpty();
    // nothing written: the wait ends at its timeout (a replicated store's index may still move
    // for log entries that are not writes, such as a new leader's first entry)
    long after = store.awaitIndex(batch.index(), Duration.ofMillis(50));
    assertThat(after).isGreaterThanOrEqualTo(batch.index());
    assertThat(store.changesSince(batch.index()).changes()).isEmpty();
  }

  @Test
  void awaitIndexWakesOnAWrite() throws Exception {
    long start = store.index();
    Thread writer = Thread.ofVirtual().start(() -> store.create("nodes", "w", b("x")));
    long seen = store.awaitIndex(start, Duration.ofSeconds(20));
    writer.join(Duration.ofSeconds(20));
    assertThat(seen).isGreaterThan(start);
  }
}
