package io.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.FailedPreconditionException;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The created-container handshake runc's init waits on, played by a thread of the test. */
class ExecFifoTest {
  @TempDir Path dir;

  private Path fifo() throws Exception {
    Path f = dir.resolve(ExecFifo.NAME);
    assertThat(new ProcessBuilder("mkfifo", f.toString()).start().waitFor()).isZero();
    return f;
  }

  private static int self() {
    return (int) ProcessHandle.current().pid();
  }

  @Test
  void readingTheFifoLetsTheWaitingInitGoAndMarksTheContainerRunning() throws Exception {
    Path f = fifo();
    // runc's init: blocks opening the fifo for writing until start reads it, writes "0", goes on
    Thread init = Thread.ofPlatform().start(() -> {
      try (FileOutputStream out = new FileOutputStream(f.toFile())) {
        out.write('0');
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(ExecFifo.start(dir, self())).isTrue();
    init.join(10_000);
    assertThat(init.isAlive()).isFalse();
    assertThat(f).doesNotExist(); // runc state now says running
  }

  @Test
  void noFifoMeansNotCreatedSoRuncMustSayWhy() {
    assertThat(ExecFifo.start(dir, self())).isFalse();
  }

  @Test
  void anInitThatDiedCannotLeaveStartWaiting() throws Exception {
    Path f = fifo();
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    assertThatThrownBy(() -> ExecFifo.start(dir, (int) gone.pid()))
        .isInstanceOf(FailedPreconditionException.class).hasMessageContaining("already dead");
    assertThat(Files.exists(f)).isTrue(); // left for runc delete, which knows what to do with it
  }
}
