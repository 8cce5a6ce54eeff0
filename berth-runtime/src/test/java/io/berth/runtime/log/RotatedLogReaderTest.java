package io.berth.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatedLogReaderTest {
  @TempDir Path tmp;
  private final RotatedLogReader reader = new RotatedLogReader(new LogLocks());

  private List<String> read(Path log, int tail, Instant since) throws Exception {
    List<String> out = new ArrayList<>();
    reader.read(log, tail, since, null, false, () -> false, e -> {
      out.add(e.stream() + ":" + new String(e.data(), StandardCharsets.UTF_8));
      return true;
    });
    return out;
  }

  private static String line(int second, String text) {
    return String.format("2026-01-01T00:00:%02d.000000000+00:00 stdout F %s%n", second, text);
  }

  private static void gzip(Path to, String content) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(to))) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void parsesTailsAndFilters() throws Exception {
    Path log = tmp.resolve("c.log");
    Files.writeString(log, """
        2026-01-01T00:00:01.000000000+00:00 stdout F one
        2026-01-01T00:00:02.000000000+00:00 stderr F two
        2026-01-01T00:00:03.000000000+00:00 stdout P par
        2026-01-01T00:00:03.500000000+00:00 stdout F tial
        """);
    assertThat(read(log, -1, null)).containsExactly("STDOUT:one\n", "STDERR:two\n", "STDOUT:par", "STDOUT:tial\n");
    assertThat(read(log, 2, null)).containsExactly("STDOUT:par", "STDOUT:tial\n");
    assertThat(read(log, 0, null)).isEmpty();
    assertThat(read(log, -1, Instant.parse("2026-01-01T00:00:02Z"))).hasSize(3);
  }

  @Test
  void bytesThatAreNotUtf8ComeBackUnchanged() throws Exception {
    Path log = tmp.resolve("c.log");
    byte[] text = {'a', (byte) 0xff, (byte) 0xc3, (byte) 0xa9, '\n'};
    byte[] prefix = "2026-01-01T00:00:01.000000000+00:00 stdout F ".getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[prefix.length + text.length];
    System.arraycopy(prefix, 0, all, 0, prefix.length);
    System.arraycopy(text, 0, all, prefix.length, text.length);
    Files.write(log, all);
    List<byte[]> out = new ArrayList<>();
    reader.read(log, -1, null, null, false, () -> false, e -> out.add(e.data()));
    assertThat(out).hasSize(1);
    assertThat(out.getFirst()).isEqualTo(new byte[] {'a', (byte) 0xff, (byte) 0xc3, (byte) 0xa9, '\n'});
  }

  @Test
  void readsRotatedCompressedHeldAndLiveFilesInOrder() throws Exception {
    Path log = tmp.resolve("container.log");
    gzip(tmp.resolve("container.log.3.gz"), line(1, "a") + line(2, "b"));
    Files.writeString(tmp.resolve("container.log.2"), line(3, "c"));
    gzip(tmp.resolve("container.log.1.gz"), line(4, "d") + line(5, "e"));
    Files.writeString(tmp.resolve("container.log.hold"), line(6, "f")); // conmon rotated, not filed yet
    Files.writeString(log, line(7, "g") + line(8, "h"));
    assertThat(read(log, -1, null)).extracting(s -> s.substring(7, 8)).containsExactly(
        "a", "b", "c", "d", "e", "f", "g", "h");
    assertThat(read(log, 5, null)).extracting(s -> s.substring(7, 8)).containsExactly("d", "e", "f", "g", "h");
    assertThat(read(log, 7, null)).extracting(s -> s.substring(7, 8)).containsExactly(
        "b", "c", "d", "e", "f", "g", "h");
    assertThat(read(log, 1, null)).extracting(s -> s.substring(7, 8)).containsExactly("h");
    assertThat(read(log, 100, null)).hasSize(8);
    assertThat(read(log, -1, Instant.parse("2026-01-01T00:00:05Z"))).extracting(s -> s.substring(7, 8))
        .containsExactly("e", "f", "g", "h");
  }

  @Test
  void theHoldLinkOfTheLiveFileIsReadOnce() throws Exception {
    Path log = tmp.resolve("container.log");
    Files.writeString(log, line(1, "x"));
    Files.createLink(tmp.resolve("container.log.hold"), log);
    assertThat(read(log, -1, null)).containsExactly("STDOUT:x\n");
  }

  @Test
  void sinceSkipsFilesLastWrittenLongBefore() throws Exception {
    Path log = tmp.resolve("container.log");
    // a rotated file that is not even gzip: reading it would fail, so it must be skipped unread
    Instant now = Instant.now();
    Path old = tmp.resolve("container.log.1.gz");
    Files.writeString(old, "not gzip");
    Files.setLastModifiedTime(old, FileTime.from(now.minusSeconds(3600)));
    Files.writeString(log, now.minusSeconds(1800) + " stdout F old\n" + now + " stdout F new\n");
    assertThat(read(log, -1, now.minusSeconds(600))).containsExactly("STDOUT:new\n");
    // a live file last written before since is not read at all: reading starts at its end
    Files.setLastModifiedTime(log, FileTime.from(now.minusSeconds(1200)));
    assertThat(read(log, -1, now.minusSeconds(600))).isEmpty();
  }

  /** conmon's rotation: a new file is made as {@code .tmp} and renamed over the live one. */
  private static void conmonRotates(Path log, String firstLine) throws IOException {
    Path t = log.resolveSibling(log.getFileName() + ".tmp");
    Files.writeString(t, firstLine);
    Files.move(t, log, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void followKeepsReadingAcrossConmonRotationsWithoutLossOrRepeats() throws Exception {
    Path log = tmp.resolve("container.log");
    Files.writeString(log, line(0, "0"));
    AtomicBoolean running = new AtomicBoolean(true);
    List<String> out = Collections.synchronizedList(new ArrayList<>());
    Thread t = Thread.ofVirtual().start(() -> {
      try {
        reader.read(log, -1, null, null, true, running::get, e -> out.add(new String(e.data()).trim()));
      } catch (InterruptedException ignored) {
        // test ends
      }
    });
    int n = 1;
    for (int file = 0; file < 20; file++) {
      for (int i = 0; i < 50; i++, n++) {
        Files.writeString(log, line(n % 60, Integer.toString(n)), StandardOpenOption.APPEND);
        if (i == 25) {
          awaitLine(out, Integer.toString(n)); // the reader keeps up, as a client does: within one file
        }
      }
      conmonRotates(log, line(n % 60, Integer.toString(n)));
      n++;
    }
    running.set(false);
    t.join(10_000);
    assertThat(t.isAlive()).isFalse();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      expected.add(Integer.toString(i));
    }
    assertThat(out).containsExactlyElementsOf(expected);
  }

  private static void awaitLine(List<String> out, String line) throws InterruptedException {
    for (int i = 0; i < 1000 && !out.contains(line); i++) {
      Thread.sleep(5);
    }
  }

  @Test
  void followDrainsWhatWasWrittenBeforeTheContainerStopped() throws Exception {
    Path log = tmp.resolve("f.log");
    Files.writeString(log, "2026-01-01T00:00:01.000000000+00:00 stdout F first\n");
    AtomicBoolean running = new AtomicBoolean(true);
    List<String> out = Collections.synchronizedList(new ArrayList<>());
    Thread t = Thread.ofVirtual().start(() -> {
      try {
        reader.read(log, -1, null, null, true, running::get, e -> out.add(new String(e.data())));
      } catch (InterruptedException ignored) {
        // test ends
      }
    });
    Thread.sleep(100);
    Files.writeString(log, "2026-01-01T00:00:02.000000000+00:00 stdout F last\n", StandardOpenOption.APPEND);
    running.set(false);
    t.join(5000);
    assertThat(t.isAlive()).isFalse();
    assertThat(out).containsExactly("first\n", "last\n");
  }
}
