package io.berth.store.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import io.berth.store.AllAtOnce;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ContentStore} promises, run against each implementation (a subclass says how
 * to make a fresh, empty one). The file store and the in-memory one must both pass.
 */
public abstract class ContentStoreConformance {
  private ContentStore store;

  /** A new, empty store for one test. */
  protected abstract ContentStore newStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = newStore();
  }

  private static InputStream in(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String read(ContentStore store, Digest d) throws IOException {
    try (InputStream in = store.open(d)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void anIngestedBlobIsFoundByItsSha256() throws Exception {
    Digest d = store.ingest(in("hello"), null);
    assertThat(d).isEqualTo(Digest.sha256("hello".getBytes(StandardCharsets.UTF_8)));
    assertThat(store.exists(d)).isTrue();
    assertThat(store.size(d)).isEqualTo(5);
    assertThat(read(store, d)).isEqualTo("hello");
    assertThat(store.list()).containsExactly(d);
  }

  @Test
  void theExpectedDigestIsCheckedAndItsAlgorithmUsed() throws Exception {
    Digest sha512 = Digest.of("sha512", "five".getBytes(StandardCharsets.UTF_8));
    assertThat(store.ingest(in("five"), sha512)).isEqualTo(sha512);
    assertThat(read(store, sha512)).isEqualTo("five");
    Digest sha256 = Digest.sha256("six".getBytes(StandardCharsets.UTF_8));
    assertThat(store.ingest(in("six"), sha256)).isEqualTo(sha256);
    assertThat(store.list()).containsExactlyInAnyOrder(sha512, sha256);
  }

  @Test
  void aMismatchIsRefusedAndNothingBecomesVisible() {
    Digest claimed = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> store.ingest(in("actual"), claimed)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining(claimed.toString());
    assertThat(store.exists(claimed)).isFalse();
    assertThat(store.exists(Digest.sha256("actual".getBytes(StandardCharsets.UTF_8)))).isFalse();
    assertThat(store.list()).isEmpty();
  }

  @Test
  void aStreamThatFailsLeavesNothingVisible() {
    InputStream broken = new InputStream() {
      private int left = 100_000;

      @Override
      public int read() throws IOException {
        if (left <= 0) {
          throw new IOException("connection reset"); // every time: InputStream.read(byte[]) retries
        }
        left--;
        return 'x';
      }
    };
    assertThatThrownBy(() -> store.ingest(broken, null)).isInstanceOf(RuntimeException.class);
    assertThat(store.list()).isEmpty();
  }

  @Test
  void storingWhatIsStoredIsNoError() throws Exception {
    Digest d = store.ingest(in("same"), null);
    assertThat(store.ingest(in("same"), null)).isEqualTo(d);
    assertThat(store.ingest(in("same"), d)).isEqualTo(d);
    assertThat(read(store, d)).isEqualTo("same");
    assertThat(store.list()).containsExactly(d);
  }

  @Test
  void aMissingBlobIsNotFoundAndDeletingItIsNoError() {
    Digest d = Digest.sha256("never stored".getBytes(StandardCharsets.UTF_8));
    assertThat(store.exists(d)).isFalse();
    assertThatThrownBy(() -> store.size(d)).isInstanceOf(NotFoundException.class).hasMessageContaining(d.toString());
    assertThatThrownBy(() -> store.open(d)).isInstanceOf(NotFoundException.class).hasMessageContaining(d.toString());
    store.delete(d);
    assertThat(store.list()).isEmpty();
  }

  @Test
  void aDeletedBlobIsGone() {
    Digest keep = store.ingest(in("keep"), null);
    Digest d = store.ingest(in("drop"), null);
    store.delete(d);
    assertThat(store.exists(d)).isFalse();
    assertThatThrownBy(() -> store.open(d)).isInstanceOf(NotFoundException.class);
    assertThat(store.list()).containsExactly(keep);
  }

  @Test
  void concurrentIngestsOfTheSameAndOfOtherBytesAllLand() throws Exception {
    int threads = 8;
    String big = "b".repeat(256 * 1024);
    List<Callable<Digest>> tasks = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int n = i;
      tasks.add(() -> store.ingest(in(big), null));
      tasks.add(() -> store.ingest(in("blob " + n), null));
    }
    List<Digest> done = AllAtOnce.run(tasks);
    Digest expected = Digest.sha256(big.getBytes(StandardCharsets.UTF_8));
    List<Digest> others = new ArrayList<>();
    for (int i = 0; i < done.size(); i += 2) {
      assertThat(done.get(i)).isEqualTo(expected);
      others.add(done.get(i + 1));
    }
    assertThat(read(store, expected)).isEqualTo(big);
    assertThat(store.list()).hasSize(threads + 1).contains(expected).containsAll(others);
  }
}
