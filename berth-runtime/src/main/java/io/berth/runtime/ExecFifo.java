package io.berth.runtime;

import io.berth.errdefs.FailedPreconditionException;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts a created container the way {@code runc start} does, without running runc: runc's init
 * waits, before it execs the container's process, until someone reads its {@code exec.fifo};
 * reading it lets the process go, and removing it makes runc report the container as running.
 * One runc process less on every start (about 8-10 ms here, on the path of every
 * {@code docker run}; decision 0018). When the fifo is not there (another runc layout, or the
 * container is not in the created state) the caller runs {@code runc start}, which says why.
 */
final class ExecFifo {
  static final String NAME = "exec.fifo";
  private static final long POLL_MS = 100;
  private static final long GIVE_UP_MS = 30_000;

  private ExecFifo() {}

  /**
   * Lets the created container in {@code runcStateDir} run; false when it has no exec fifo.
   *
   * @param initPid the pid of runc's init, watched so that a dead one cannot leave the reader
   *     waiting for a writer forever
   */
  static boolean start(Path runcStateDir, int initPid) {
    Path fifo = runcStateDir.resolve(NAME);
    if (!Files.exists(fifo)) {
      return false;
    }
    CompletableFuture<byte[]> read = new CompletableFuture<>();
    Thread.ofVirtual().name("exec-fifo").start(() -> {
      try (InputStream in = new FileInputStream(fifo.toFile())) {
        read.complete(in.readAllBytes());
      } catch (IOException | RuntimeException e) {
        read.completeExceptionally(e);
      }
    });
    byte[] got = await(read, fifo, initPid);
    if (got.length == 0) {
      throw new FailedPreconditionException("cannot start container: its process is already dead");
    }
    try {
      Files.deleteIfExists(fifo);
    } catch (IOException e) {
      throw new UncheckedIOException("removing " + fifo, e);
    }
    return true;
  }

  private static byte[] await(CompletableFuture<byte[]> read, Path fifo, int initPid) {
    long waited = 0;
    while (true) {
      try {
        return read.get(POLL_MS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        waited += POLL_MS;
        if (!alive(initPid) || waited > GIVE_UP_MS) {
          // nobody will write: be the writer, so the reader sees an empty fifo and ends
          try (FileOutputStream unblock = new FileOutputStream(fifo.toFile())) {
            unblock.flush();
          } catch (IOException ignored) {
            // the reader may have ended meanwhile
          }
        }
      } catch (ExecutionException e) {
        throw new UncheckedIOException("reading " + fifo,
            e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FailedPreconditionException("interrupted while starting the container");
      }
    }
  }

  /** Alive and not a zombie, as runc checks before it gives up on the fifo. */
  private static boolean alive(int pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
      int close = stat.lastIndexOf(')');
      return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }
}
