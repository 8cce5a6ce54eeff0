package io.berth.runtime;

import io.berth.errdefs.UnavailableException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Sets a pseudo-terminal's window size ({@code ioctl TIOCSWINSZ}, through FFM: the JDK has no
 * terminal calls). The kernel then signals SIGWINCH to the terminal's foreground processes, which
 * is how a resize reaches a program, or {@code runc exec -t}, which passes it on to the container.
 */
final class TerminalSize {
  private static final int O_RDWR = 02;
  private static final int O_NOCTTY = 0400;
  private static final int O_NONBLOCK = 04000;
  private static final int O_CLOEXEC = 02000000;
  private static final long TIOCSWINSZ = 0x5414;
  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().find("open").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
  private static final MethodHandle IOCTL = LINKER.downcallHandle(LINKER.defaultLookup().find("ioctl").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
      Linker.Option.firstVariadicArg(2));
  private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

  private TerminalSize() {}

  /** Gives the terminal {@code tty} (a /dev/pts device) {@code rows} x {@code cols}. */
  static void set(Path tty, int rows, int cols) {
    try (Arena a = Arena.ofConfined()) {
      int fd = (int) OPEN.invokeExact(a.allocateFrom(tty.toString()), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
      if (fd < 0) {
        throw new UnavailableException("cannot open the exec's terminal " + tty + " to resize it");
      }
      try {
        MemorySegment ws = a.allocate(8); // struct winsize: rows, cols, xpixel, ypixel (unsigned short)
        ws.set(ValueLayout.JAVA_SHORT, 0, (short) rows);
        ws.set(ValueLayout.JAVA_SHORT, 2, (short) cols);
        int rc = (int) IOCTL.invokeExact(fd, TIOCSWINSZ, ws);
        if (rc != 0) {
          throw new UnavailableException("resizing the exec's terminal " + tty + " failed");
        }
      } finally {
        int ignored = (int) CLOSE.invokeExact(fd);
      }
    } catch (UnavailableException e) {
      throw e;
    } catch (Throwable t) {
      throw new UnavailableException("resizing the exec's terminal failed: " + t);
    }
  }
}
