package io.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class K8sFileLogReaderTest {
  @TempDir Path tmp;
  private final K8sFileLogReader reader = new K8sFileLogReader();

  private List<String> read(Path log, int tail, Instant since) throws Exception {
    List<String> out = new ArrayList<>();
    reader.read(log, tail, since, null, false, () -> false, e -> {
      out.add(e.stream() + ":" + new String(e.data()));
      return true;
    });
    return out;
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
  void followDrainsWhatWasWrittenBeforeTheContainerStopped() throws Exception {
    Path log = tmp.resolve("f.log");
    Files.writeString(log, "2026-01-01T00:00:01.000000000+00:00 stdout F first\n");
    AtomicBoolean running = new AtomicBoolean(true);
    List<String> out = new ArrayList<>();
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
