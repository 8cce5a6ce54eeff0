package io.berth.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogRotationTest {
  /** Bytes of one record the fake conmon writes. */
  private static final int REC = 57;
  @TempDir Path dir;
  private final LogLocks locks = new LogLocks();

  private Path live() {
    return dir.resolve("container.log");
  }

  private LogRotation rotation(String... kv) {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      opts.put(kv[i], kv[i + 1]);
    }
    return new LogRotation(live(), LogOptions.parse(kv.length > 0 && kv[0].equals("driver") ? kv[1] : "json-file",
        without(opts, "driver")), locks);
  }

  private static Map<String, String> without(Map<String, String> m, String key) {
    m.remove(key);
    return m;
  }

  /** What conmon does with --log-size-max: write records, replacing the file before one would pass the limit. */
  private final class FakeConmon {
    private final long limit;
    private long written;
    private int next;

    FakeConmon(long limit) {
      this.limit = limit;
    }

    /** Writes one record; true when it replaced the live file first. */
    boolean write() throws IOException {
      String rec = String.format("2026-01-01T00:00:00.%09d+00:00 stdout F line %06d%n", next, next);
      next++;
      boolean rotated = false;
      if (written + rec.length() > limit) {
        Path tmp = dir.resolve("container.log.tmp");
        Files.write(tmp, new byte[0]);
        Files.move(tmp, live(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        written = 0;
        rotated = true;
      }
      Files.writeString(live(), rec, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      written += rec.length();
      return rotated;
    }
  }

  /** Bytes on disk of the log's files, each file once however many names it has. */
  private long diskBytes() throws IOException {
    Map<Object, Long> sizes = new HashMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith("container.log")).toList()) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        sizes.put(a.fileKey(), a.size());
      }
    }
    return sizes.values().stream().mapToLong(Long::longValue).sum();
  }

  private List<String> lines() throws Exception {
    List<String> out = new ArrayList<>();
    new RotatedLogReader(locks).read(live(), -1, null, null, false, () -> false, e -> {
      out.add(new String(e.data(), StandardCharsets.UTF_8).trim());
      return true;
    });
    return out;
  }

  private static void assertContiguousUpTo(List<String> lines, int last) {
    assertThat(lines).isNotEmpty();
    assertThat(lines.getLast()).isEqualTo(String.format("line %06d", last));
    int first = Integer.parseInt(lines.getFirst().substring(5));
    for (int i = 0; i < lines.size(); i++) {
      assertThat(lines.get(i)).isEqualTo(String.format("line %06d", first + i));
    }
  }

  @Test
  void prepareHoldsTheLiveFileAndGivesConmonTheWholeSize() throws Exception {
    LogRotation r = rotation("max-size", "1000", "max-file", "3");
    assertThat(r.prepare()).isEqualTo(1000);
    assertThat(Files.isSameFile(live(), dir.resolve("container.log.hold"))).isTrue();
  }

  @Test
  void everyConmonRotationBecomesDotOneAndTheBoundHolds() throws Exception {
    LogRotation r = rotation("max-size", "2000", "max-file", "3");
    FakeConmon conmon = new FakeConmon(r.prepare());
    int rotations = 0;
    for (int i = 0; i < 1000; i++) {
      if (conmon.write()) {
        rotations++;
        assertThat(diskBytes()).isLessThanOrEqualTo(4 * 2000); // one file in transit until filed
        r.reconcile();
      }
      assertThat(diskBytes()).isLessThanOrEqualTo(3 * 2000);
    }
    assertThat(rotations).isGreaterThan(10);
    assertThat(Files.exists(dir.resolve("container.log.1"))).isTrue();
    assertThat(Files.exists(dir.resolve("container.log.2"))).isTrue();
    assertThat(Files.exists(dir.resolve("container.log.3"))).isFalse();
    List<String> lines = lines();
    assertContiguousUpTo(lines, 999);
    assertThat(lines.size()).isGreaterThan(2 * 2000 / 60); // two full files and the live one
  }

  @Test
  void compressedFilesAreNamedAsDockersAndKeepTheirTime() throws Exception {
    LogRotation r = rotation("max-size", "2000", "max-file", "4", "compress", "true");
    FakeConmon conmon = new FakeConmon(r.prepare());
    for (int i = 0; i < 200; i++) {
      if (conmon.write() && r.reconcile()) {
        FileTime before = Files.getLastModifiedTime(dir.resolve("container.log.1"));
        r.compress();
        assertThat(Files.getLastModifiedTime(dir.resolve("container.log.1.gz"))).isEqualTo(before);
      }
    }
    assertThat(dir.resolve("container.log.1.gz")).exists();
    assertThat(dir.resolve("container.log.3.gz")).exists();
    assertThat(dir.resolve("container.log.1")).doesNotExist();
    assertThat(dir.resolve("container.log.4.gz")).doesNotExist();
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.contains("tmp")).toList()).isEmpty();
    }
    assertContiguousUpTo(lines(), 199);
  }

  @Test
  void whileBerthdIsDownConmonKeepsTheBoundAndTheHeldFileIsFiledLater() throws Exception {
    LogRotation r = rotation("max-size", "2000", "max-file", "2");
    FakeConmon conmon = new FakeConmon(r.prepare());
    int i = 0;
    while (!conmon.write()) {
      i++;
    }
    r.reconcile(); // berthd saw the first rotation, then it is killed
    for (int n = 0; n < 500; n++, i++) {
      conmon.write();
      // conmon's live file, the file held for berthd and the rotated .1
      assertThat(diskBytes()).isLessThanOrEqualTo(3 * 2000);
    }
    r.reconcile(); // berthd is back
    assertThat(diskBytes()).isLessThanOrEqualTo(2 * 2000);
    assertThat(lines().getLast()).isEqualTo(String.format("line %06d", i));
  }

  @Test
  void aRestartWithAFileOverHalfFullRotatesItFirst() throws Exception {
    LogRotation r = rotation("max-size", "2000", "max-file", "2");
    FakeConmon conmon = new FakeConmon(r.prepare());
    for (int i = 0; i < 20; i++) {
      conmon.write(); // more than half
    }
    assertThat(r.prepare()).isEqualTo(2000);
    assertThat(Files.size(dir.resolve("container.log.1"))).isEqualTo(20 * REC);
    assertThat(Files.size(live())).isZero();
    assertThat(Files.isSameFile(live(), dir.resolve("container.log.hold"))).isTrue();
  }

  @Test
  void aFileWrittenBeforeTheOptionsWereHonouredIsCutToMaxSize() throws Exception {
    for (int i = 0; i < 100; i++) {
      Files.writeString(live(), String.format("2026-01-01T00:00:00.%09d+00:00 stdout F line %06d%n", i, i),
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    assertThat(rotation("max-size", "2000", "max-file", "2").prepare()).isEqualTo(2000);
    assertThat(Files.size(dir.resolve("container.log.1"))).isLessThanOrEqualTo(2000);
    assertContiguousUpTo(lines(), 99);
  }

  @Test
  void aRestartWithASmallFileLetsConmonAppendOnlyWhatIsLeft() throws Exception {
    LogRotation r = rotation("max-size", "2000", "max-file", "2");
    FakeConmon conmon = new FakeConmon(r.prepare());
    for (int i = 0; i < 10; i++) {
      conmon.write();
    }
    assertThat(r.prepare()).isEqualTo(2000 - 10 * REC);
  }

  @Test
  void withOneFileARestartKeepsTheNewerHalf() throws Exception {
    LogRotation r = rotation("max-size", "2000");
    FakeConmon conmon = new FakeConmon(r.prepare());
    for (int i = 0; i < 30; i++) {
      conmon.write();
    }
    long limit = r.prepare();
    assertThat(Files.size(live())).isLessThanOrEqualTo(1000);
    assertThat(limit).isEqualTo(2000 - Files.size(live()));
    List<String> lines = lines();
    assertContiguousUpTo(lines, 29);
    assertThat(lines).hasSize(1000 / REC);
    assertThat(dir.resolve("container.log.hold")).doesNotExist();
  }

  @Test
  void withoutMaxSizeNothingRotates() throws Exception {
    assertThat(rotation().prepare()).isEqualTo(-1);
    assertThat(dir.resolve("container.log.hold")).doesNotExist();
  }

  @Test
  void theNoneDriverStartsEachRunWithAnEmptyBuffer() throws Exception {
    Files.writeString(live(), "old\n");
    assertThat(rotation("driver", "none").prepare()).isEqualTo(LogRotation.NONE_BUFFER);
    assertThat(live()).doesNotExist();
  }

  @Test
  void aFollowerFilesBehindCatchesUpThroughRotatedAndCompressedFiles() throws Exception {
    LogRotation r = rotation("max-size", "2000", "max-file", "5", "compress", "true");
    FakeConmon conmon = new FakeConmon(r.prepare());
    for (int i = 0; i < 10; i++) {
      conmon.write();
    }
    CountDownLatch paused = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    AtomicBoolean running = new AtomicBoolean(true);
    List<String> out = Collections.synchronizedList(new ArrayList<>());
    Thread follower = Thread.ofVirtual().start(() -> {
      try {
        new RotatedLogReader(locks).read(live(), -1, null, null, true, running::get, e -> {
          out.add(new String(e.data(), StandardCharsets.UTF_8).trim());
          if (out.size() == 5) {
            paused.countDown();
            try {
              resume.await(); // a slow client
            } catch (InterruptedException ex) {
              return false;
            }
          }
          return true;
        });
      } catch (InterruptedException ignored) {
        // test ends
      }
    });
    assertThat(paused.await(10, TimeUnit.SECONDS)).isTrue();
    int written = 10;
    for (int rotations = 0; rotations < 3; written++) {
      if (conmon.write() && r.reconcile()) {
        rotations++;
        r.compress();
      }
    }
    assertThat(dir.resolve("container.log.3.gz")).exists();
    resume.countDown();
    running.set(false);
    follower.join(10_000);
    assertThat(follower.isAlive()).isFalse();
    assertThat(out).hasSize(written);
    assertContiguousUpTo(out, written - 1);
  }

  /** The live file has its hold link (between a rotation and the rotator's reaction it has none). */
  private boolean held() throws IOException {
    Path hold = dir.resolve("container.log.hold");
    try {
      return Files.isSameFile(live(), hold);
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    }
  }

  @Test
  void theRotatorFilesConmonsRotationsAsTheyHappen() throws Exception {
    LogOptions opts = LogOptions.parse("json-file", Map.of("max-size", "2000", "max-file", "3", "compress", "true"));
    try (LogRotator rotator = new LogRotator(locks)) {
      FakeConmon conmon = new FakeConmon(rotator.prepare(live(), opts));
      rotator.watch(live(), opts);
      int written = 0;
      for (int rotations = 0; rotations < 5; written++) {
        if (conmon.write()) {
          rotations++;
          for (int i = 0; i < 1000 && !held(); i++) {
            Thread.sleep(5); // inotify tells the rotator, which links the new live file as the hold
          }
        }
      }
      rotator.release(live(), opts);
      for (int i = 0; i < 1000 && Files.exists(dir.resolve("container.log.1")); i++) {
        Thread.sleep(5); // compressed in the background
      }
      assertThat(dir.resolve("container.log.1.gz")).exists();
      assertThat(dir.resolve("container.log.2.gz")).exists();
      assertContiguousUpTo(lines(), written - 1);
    }
  }
}
