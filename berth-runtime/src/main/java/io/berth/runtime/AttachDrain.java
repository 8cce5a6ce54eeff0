package io.berth.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Reads and discards what conmon writes to the attach connections that carried input, all on
 * one thread, and hands each back when conmon closes it (see {@link ConmonAttach} for why they
 * stay open until then). A thread per connection lived until its container exited, so a
 * long-running {@code -d -i} container attached to again and again collected them.
 */
final class AttachDrain {
  private static final short POLLIN = 0x1;
  private static final int POLL_TIMEOUT_MS = 200;
  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle POLL = LINKER.downcallHandle(LINKER.defaultLookup().find("poll").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
  private static final MethodHandle READ = LINKER.downcallHandle(LINKER.defaultLookup().find("read").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
  private static final MethodHandle EVENTFD = LINKER.downcallHandle(LINKER.defaultLookup().find("eventfd").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  private static final MethodHandle WRITE = LINKER.downcallHandle(LINKER.defaultLookup().find("write").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
  private static final int EFD_NONBLOCK = 04000;
  private static final AttachDrain SHARED = new AttachDrain();

  /** A watched connection and what to do once conmon has closed it. */
  private record Watched(int fd, Runnable closed) {}

  private final LinkedBlockingQueue<Watched> added = new LinkedBlockingQueue<>();
  /** Wakes the loop from poll when a connection is added (-1: it notices within the poll timeout). */
  private final int wake;
  private final MemorySegment one = Arena.global().allocate(ValueLayout.JAVA_LONG);

  private AttachDrain() {
    int efd;
    try {
      efd = (int) EVENTFD.invokeExact(0, EFD_NONBLOCK);
    } catch (Throwable e) {
      efd = -1;
    }
    wake = efd;
    one.set(ValueLayout.JAVA_LONG, 0, 1L);
    Thread.ofPlatform().daemon().name("attach-drain").stackSize(256 * 1024).start(this::loop);
  }

  /** Drains {@code fd} until conmon closes it, then runs {@code closed} (which closes our end). */
  static void watch(int fd, Runnable closed) {
    SHARED.added.add(new Watched(fd, closed));
    SHARED.wakeUp();
  }

  private void wakeUp() {
    if (wake >= 0) {
      try {
        long ignored = (long) WRITE.invokeExact(wake, one, 8L);
      } catch (Throwable e) {
        // the poll timeout picks the connection up instead
      }
    }
  }

  private void loop() {
    List<Watched> watched = new ArrayList<>();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buf = arena.allocate(64 * 1024);
      MemorySegment fds = arena.allocate(8L * 64);
      while (true) {
        if (watched.isEmpty()) {
          watched.add(added.take());
        }
        added.drainTo(watched);
        int n = watched.size() + 1;
        if (fds.byteSize() < 8L * n) {
          fds = arena.allocate(8L * n * 2);
        }
        // struct pollfd { int fd; short events; short revents; }: the wake-up first, then the connections
        for (int i = 0; i < n; i++) {
          fds.set(ValueLayout.JAVA_INT, 8L * i, i == 0 ? wake : watched.get(i - 1).fd());
          fds.set(ValueLayout.JAVA_SHORT, 8L * i + 4, POLLIN);
          fds.set(ValueLayout.JAVA_SHORT, 8L * i + 6, (short) 0);
        }
        int ready = (int) POLL.invokeExact(fds, (long) n, POLL_TIMEOUT_MS);
        if (ready <= 0) {
          continue; // timeout or EINTR
        }
        if (wake >= 0 && fds.get(ValueLayout.JAVA_SHORT, 6) != 0) {
          long ignored = (long) READ.invokeExact(wake, buf, 8L); // resets the counter
        }
        List<Watched> done = new ArrayList<>();
        for (int i = 1; i < n; i++) {
          if (fds.get(ValueLayout.JAVA_SHORT, 8L * i + 6) == 0) {
            continue;
          }
          // readable, hung up or failed: a read tells which (0 or -1: conmon is gone)
          if ((long) READ.invokeExact(watched.get(i - 1).fd(), buf, buf.byteSize()) <= 0) {
            done.add(watched.get(i - 1));
          }
        }
        for (Watched w : done) {
          watched.remove(w);
          w.closed().run();
        }
      }
    } catch (Throwable e) {
      // an interrupted or broken loop: the connections are closed rather than left undrained
      watched.forEach(w -> w.closed().run());
      added.forEach(w -> w.closed().run());
    }
  }
}
