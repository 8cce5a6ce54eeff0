package io.berth.store.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import io.berth.store.AllAtOnce;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MetadataStore} promises, run against each implementation (a subclass says how
 * to make a fresh, empty one). The file store and the in-memory one must both pass.
 */
public abstract class MetadataStoreConformance {
  private MetadataStore store;

  /** A new, empty store for one test. */
  protected abstract MetadataStore newStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = newStore();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private String get(String bucket, String key) {
    return store.get(bucket, key).map(v -> new String(v, StandardCharsets.UTF_8)).orElse(null);
  }

  @Test
  void aRecordIsReadBackAndReplacedWhole() {
    store.put("containers", "c1", b("first"));
    assertThat(get("containers", "c1")).isEqualTo("first");
    store.put("containers", "c1", b("2nd"));
    assertThat(get("containers", "c1")).isEqualTo("2nd");
    assertThat(store.keys("containers")).containsExactly("c1");
  }

  @Test
  void whatIsNotThereIsEmptyNotAnError() {
    assertThat(store.get("none", "x")).isEmpty();
    assertThat(store.keys("none")).isEmpty();
    store.delete("none", "x");
    store.put("b", "k", b("v"));
    store.delete("b", "k");
    assertThat(store.get("b", "k")).isEmpty();
    assertThat(store.keys("b")).isEmpty();
    store.delete("b", "k");
  }

  @Test
  void bucketsAreSeparate() {
    store.put("one", "k", b("1"));
    store.put("two", "k", b("2"));
    store.put("two", "other", b("3"));
    assertThat(store.keys("one")).containsExactly("k");
    assertThat(store.keys("two")).containsExactlyInAnyOrder("k", "other");
    store.delete("two", "k");
    assertThat(get("one", "k")).isEqualTo("1");
  }

  @Test
  void anEmptyRecordIsARecord() {
    store.put("b", "empty", new byte[0]);
    assertThat(store.get("b", "empty")).hasValueSatisfying(v -> assertThat(v).isEmpty());
    assertThat(store.keys("b")).containsExactly("empty");
  }

  @Test
  void storedRecordsAreCopiesNotTheCallersArrays() {
    byte[] value = b("kept");
    store.put("b", "k", value);
    value[0] = 'X';
    store.get("b", "k").orElseThrow()[0] = 'Y';
    assertThat(get("b", "k")).isEqualTo("kept");
  }

  @Test
  void namesThatCouldBePathsAreRefusedEverywhere() {
    for (String bad : new String[] {"", "../x", "a/b", ".hidden", "-flag", "a b", "x".repeat(256)}) {
      assertThatThrownBy(() -> store.put(bad, "k", b("v"))).as(bad).isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> store.put("b", bad, b("v"))).as(bad).isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> store.get("b", bad)).as(bad).isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> store.keys(bad)).as(bad).isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> store.delete("b", bad)).as(bad).isInstanceOf(InvalidArgumentException.class);
    }
    assertThatThrownBy(() -> store.get(null, "k")).isInstanceOf(InvalidArgumentException.class);
    store.put("ok", "sha256:ab_c.d-e@f", b("v"));
    assertThat(store.keys("ok")).containsExactly("sha256:ab_c.d-e@f");
  }

  /** Atomic writes as a caller sees them: a reader racing writers gets one whole record or another. */
  @Test
  void readersRacingWritersSeeOnlyWholeRecords() throws Exception {
    String a = "a".repeat(64 * 1024);
    String z = "z".repeat(32 * 1024);
    store.put("race", "k", b(a));
    Set<String> seen = ConcurrentHashMap.newKeySet();
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      tasks.add(() -> {
        for (int i = 0; i < 200; i++) {
          store.put("race", "k", b(i % 2 == 0 ? z : a));
        }
        return null;
      });
    }
    for (int r = 0; r < 2; r++) {
      tasks.add(() -> {
        for (int i = 0; i < 400; i++) {
          Optional<byte[]> v = store.get("race", "k");
          String s = new String(v.orElseThrow(), StandardCharsets.UTF_8);
          seen.add(s.equals(a) ? "a" : s.equals(z) ? "z" : "torn:" + s.length());
        }
        return null;
      });
    }
    AllAtOnce.run(tasks);
    assertThat(seen).isSubsetOf("a", "z");
  }

  @Test
  void concurrentWritesOfOtherKeysAllLand() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int n = t;
        work.add(pool.submit(() -> {
          for (int i = 0; i < 50; i++) {
            store.put("many", "k" + n + "-" + i, b(n + "/" + i));
          }
          return null;
        }));
      }
      for (Future<?> f : work) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.keys("many")).hasSize(200);
    assertThat(get("many", "k3-49")).isEqualTo("3/49");
  }
}
