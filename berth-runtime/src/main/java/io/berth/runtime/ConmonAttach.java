package io.berth.runtime;

import io.berth.errdefs.UnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Input side of conmon's attach: stdin goes over conmon's SOCK_SEQPACKET attach socket (which
 * java.nio cannot open, hence FFM socket/connect/send), terminal resizes go to conmon's control
 * FIFO as {@code "1 <height> <width>\n"}.
 *
 * <p>conmon also writes the container's output to every attach connection; clients get output
 * from the log instead, so {@link AttachDrain} reads and discards it rather than let the connection
 * fill or fail. The end of
 * input is a {@code shutdown(SHUT_WR)}, never a close: conmon 2.1 frees a connection whose
 * writes failed and then reads it again while handling the end of input, which skips closing the
 * container's stdin (seen as {@code docker run -i} hanging in {@code cat}). The connection is
 * closed by the drain once conmon closes it, when the container exits.
 */
final class ConmonAttach implements AttachChannel {
  private static final int AF_UNIX = 1;
  private static final int SOCK_SEQPACKET = 5;
  private static final int SHUT_WR = 1;
  private static final int MSG_NOSIGNAL = 0x4000;
  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle SOCKET = fn("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT,
      ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  private static final MethodHandle CONNECT = fn("connect", FunctionDescriptor.of(ValueLayout.JAVA_INT,
      ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
  private static final MethodHandle SEND = fn("send", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
      ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
  private static final MethodHandle SHUTDOWN = fn("shutdown", FunctionDescriptor.of(ValueLayout.JAVA_INT,
      ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  private static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(ValueLayout.JAVA_INT,
      ValueLayout.JAVA_INT));

  private final Path socket;
  private final Path ctl;
  private int fd = -1; // guarded by this; closed only by the drain
  private boolean inputEnded; // guarded by this
  private boolean gone; // guarded by this: conmon closed the connection

  ConmonAttach(Path socket, Path ctl) {
    this.socket = socket;
    this.ctl = ctl;
  }

  private static MethodHandle fn(String name, FunctionDescriptor fd) {
    return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd);
  }

  private int fd() {
    if (fd >= 0) {
      return fd;
    }
    if (gone || inputEnded) {
      throw new UnavailableException("container stdin closed");
    }
    byte[] path = socket.toString().getBytes(StandardCharsets.UTF_8);
    if (path.length >= 108) {
      throw new UnavailableException("attach socket path too long: " + socket);
    }
    try (Arena a = Arena.ofConfined()) {
      int s = (int) SOCKET.invokeExact(AF_UNIX, SOCK_SEQPACKET, 0);
      if (s < 0) {
        throw new UnavailableException("socket(AF_UNIX, SOCK_SEQPACKET) failed");
      }
      MemorySegment addr = a.allocate(110);
      addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
      MemorySegment.copy(path, 0, addr, ValueLayout.JAVA_BYTE, 2, path.length);
      int rc = (int) CONNECT.invokeExact(s, addr, 2 + path.length + 1);
      if (rc != 0) {
        int ignored = (int) CLOSE.invokeExact(s);
        throw new UnavailableException("cannot connect to the container's attach socket " + socket);
      }
      fd = s;
    } catch (UnavailableException e) {
      throw e;
    } catch (Throwable t) {
      throw new UnavailableException("attach failed: " + t);
    }
    int s = fd;
    AttachDrain.watch(s, () -> closed(s));
    return s;
  }

  /** conmon closed the connection (its container exited): our end is closed too. */
  private void closed(int s) {
    synchronized (this) {
      try {
        int ignored = (int) CLOSE.invokeExact(s);
      } catch (Throwable ignored) {
        // closed anyway
      }
      fd = -1;
      gone = true;
    }
  }

  /** Writes under the monitor so the drain cannot close (and the number be reused) meanwhile. */
  @Override
  public synchronized void writeStdin(byte[] data, int off, int len) {
    int s = fd();
    try (Arena a = Arena.ofConfined()) {
      int pos = off;
      while (pos < off + len) {
        int chunk = Math.min(8192, off + len - pos);
        MemorySegment buf = a.allocate(chunk);
        MemorySegment.copy(data, pos, buf, ValueLayout.JAVA_BYTE, 0, chunk);
        long n = (long) SEND.invokeExact(s, buf, (long) chunk, MSG_NOSIGNAL);
        if (n <= 0) {
          throw new UnavailableException("container stdin closed");
        }
        pos += (int) n;
      }
    } catch (UnavailableException e) {
      throw e;
    } catch (Throwable t) {
      throw new UnavailableException("writing stdin failed: " + t);
    }
  }

  /**
   * Ends the input: conmon closes the container's stdin (unless it was started with
   * {@code --leave-stdin-open}). Connects first if nothing was written yet, so even an empty
   * input reaches the container as end of file.
   */
  @Override
  public synchronized void closeStdin() {
    if (inputEnded || gone) {
      return;
    }
    int s = fd();
    inputEnded = true;
    try {
      int ignored = (int) SHUTDOWN.invokeExact(s, SHUT_WR);
    } catch (Throwable t) {
      throw new UnavailableException("closing stdin failed: " + t);
    }
  }

  @Override
  public void resize(int height, int width) {
    if (height <= 0 || width <= 0 || !Files.exists(ctl)) {
      return;
    }
    try (OutputStream out = Files.newOutputStream(ctl, StandardOpenOption.WRITE)) {
      out.write(("1 " + height + " " + width + "\n").getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UnavailableException("resizing terminal failed: " + e.getMessage());
    }
  }

  /** This client is done: its input ends if it had begun; the drain keeps the connection until conmon drops it. */
  @Override
  public synchronized void close() {
    if (fd >= 0 && !inputEnded) {
      closeStdin();
    }
  }
}
