package io.berth.network.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every libc call this module makes, through the FFM API (the JDK has no netlink sockets, no
 * setns/unshare and no mount): one place for the handles, errno captured on each call so a
 * failure says what the kernel said. Calls return their result or throw {@link Errno}.
 */
final class Libc {
  static final int ENOENT = 2;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int EEXIST = 17;
  static final int ENODEV = 19;
  static final int EINVAL = 22;

  static final int O_RDONLY = 0;
  static final int O_RDWR = 2;
  static final int O_NONBLOCK = 0x800;
  static final int O_CREAT = 0x40;
  static final int O_EXCL = 0x80;
  static final int O_CLOEXEC = 0x80000;
  static final int CLONE_NEWNET = 0x40000000;
  static final long MS_BIND = 0x1000;
  static final long MS_REC = 0x4000;
  static final long MS_SHARED = 1 << 20;
  static final int MNT_DETACH = 2;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
  private static final VarHandle ERRNO_HANDLE = Linker.Option.captureStateLayout()
      .varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
  private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
  private static final ValueLayout A = ValueLayout.ADDRESS;
  private static final MethodHandle SOCKET = handle("socket", FunctionDescriptor.of(I, I, I, I));
  private static final MethodHandle BIND = handle("bind", FunctionDescriptor.of(I, I, A, I));
  private static final MethodHandle SETSOCKOPT = handle("setsockopt", FunctionDescriptor.of(I, I, I, I, A, I));
  private static final MethodHandle SEND = handle("send", FunctionDescriptor.of(L, I, A, L, I));
  private static final MethodHandle RECV = handle("recv", FunctionDescriptor.of(L, I, A, L, I));
  private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(I, I));
  private static final MethodHandle OPEN = LINKER.downcallHandle(LIBC.find("open").orElseThrow(),
      FunctionDescriptor.of(I, A, I, I), ERRNO, Linker.Option.firstVariadicArg(2));
  private static final MethodHandle IOCTL = LINKER.downcallHandle(LIBC.find("ioctl").orElseThrow(),
      FunctionDescriptor.of(I, I, L, A), ERRNO, Linker.Option.firstVariadicArg(2));
  private static final MethodHandle READ = handle("read", FunctionDescriptor.of(L, I, A, L));
  private static final MethodHandle WRITE = handle("write", FunctionDescriptor.of(L, I, A, L));
  private static final MethodHandle POLL = handle("poll", FunctionDescriptor.of(I, A, L, I));
  private static final MethodHandle SETNS = handle("setns", FunctionDescriptor.of(I, I, I));
  private static final MethodHandle UNSHARE = handle("unshare", FunctionDescriptor.of(I, I));
  private static final MethodHandle MOUNT = handle("mount", FunctionDescriptor.of(I, A, A, A, L, A));
  private static final MethodHandle UMOUNT2 = handle("umount2", FunctionDescriptor.of(I, A, I));
  private static final MethodHandle STRERROR = LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(),
      FunctionDescriptor.of(A, I));
  private static final ConcurrentHashMap<Integer, String> MESSAGES = new ConcurrentHashMap<>();

  private Libc() {}

  private static MethodHandle handle(String name, FunctionDescriptor fd) {
    return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), fd, ERRNO);
  }

  /** A failed call: {@code errno} and the C library's text for it, after what was attempted. */
  static final class Errno extends RuntimeException {
    final int errno;

    Errno(String what, int errno) {
      super(what + ": " + strerror(errno));
      this.errno = errno;
    }
  }

  /** The C library's text for an errno ("File exists"), as ip and every C tool print it. */
  static String strerror(int errno) {
    return MESSAGES.computeIfAbsent(errno, e -> {
      // strerror's buffer is static only for unknown numbers; the lock of the map's bin and
      // the copy made here keep even those safe
      try {
        MemorySegment s = (MemorySegment) STRERROR.invokeExact(e.intValue());
        return s.reinterpret(256).getString(0);
      } catch (Throwable t) {
        return "errno " + e;
      }
    });
  }

  private static int errno(MemorySegment state) {
    return (int) ERRNO_HANDLE.get(state, 0L);
  }

  private static RuntimeException unexpected(Throwable t) {
    return t instanceof RuntimeException r ? r : new IllegalStateException(t);
  }

  static int socket(int domain, int type, int protocol) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = a.allocate(Linker.Option.captureStateLayout());
      int fd = (int) SOCKET.invokeExact(st, domain, type, protocol);
      if (fd < 0) {
        throw new Errno("socket", errno(st));
      }
      return fd;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void bind(int fd, MemorySegment address) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = a.allocate(Linker.Option.captureStateLayout());
      if ((int) BIND.invokeExact(st, fd, address, (int) address.byteSize()) != 0) {
        throw new Errno("bind", errno(st));
      }
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void setsockopt(int fd, int level, int name, MemorySegment value) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = a.allocate(Linker.Option.captureStateLayout());
      if ((int) SETSOCKOPT.invokeExact(st, fd, level, name, value, (int) value.byteSize()) != 0) {
        throw new Errno("setsockopt " + level + "/" + name, errno(st));
      }
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static long send(int fd, MemorySegment buf, long len) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = a.allocate(Linker.Option.captureStateLayout());
      long n = (long) SEND.invokeExact(st, fd, buf, len, 0);
      if (n < 0) {
        throw new Errno("send", errno(st));
      }
      return n;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** One datagram into {@code buf}; interrupted calls are repeated. */
  static long recv(int fd, MemorySegment buf) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = a.allocate(Linker.Option.captureStateLayout());
      while (true) {
        long n = (long) RECV.invokeExact(st, fd, buf, buf.byteSize(), 0);
        if (n >= 0) {
          return n;
        }
        int e = errno(st);
        if (e != EINTR) {
          throw new Errno("recv", e);
        }
      }
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Closing a descriptor cannot usefully fail here: errors are ignored. */
  static void close(int fd) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = a.allocate(Linker.Option.captureStateLayout());
      int ignored = (int) CLOSE.invokeExact(st, fd);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int open(String path, int flags, int mode) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = a.allocate(Linker.Option.captureStateLayout());
      int fd = (int) OPEN.invokeExact(st, a.allocateFrom(path), flags, mode);
      if (fd < 0) {
        throw new Errno("open " + path, errno(st));
      }
      return fd;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void setns(int fd, int nstype, String what) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = a.allocate(Linker.Option.captureStateLayout());
      if ((int) SETNS.invokeExact(st, fd, nstype) != 0) {
        throw new Errno("setns into " + what, errno(st));
      }
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void unshare(int flags) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = a.allocate(Linker.Option.captureStateLayout());
      if ((int) UNSHARE.invokeExact(st, flags) != 0) {
        throw new Errno("unshare", errno(st));
      }
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void mount(String source, String target, String type, long flags, String what) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = a.allocate(Linker.Option.captureStateLayout());
      int rc = (int) MOUNT.invokeExact(st, a.allocateFrom(source), a.allocateFrom(target), a.allocateFrom(type),
          flags, MemorySegment.NULL);
      if (rc != 0) {
        throw new Errno(what, errno(st));
      }
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Returns 0 or the errno: callers accept "not mounted" (EINVAL) and "no such file" (ENOENT). */
  static int umount2(String target, int flags) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = a.allocate(Linker.Option.captureStateLayout());
      return (int) UMOUNT2.invokeExact(st, a.allocateFrom(target), flags) == 0 ? 0 : errno(st);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void ioctl(int fd, long request, MemorySegment arg, String what) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = a.allocate(Linker.Option.captureStateLayout());
      if ((int) IOCTL.invokeExact(st, fd, request, arg) != 0) {
        throw new Errno(what, errno(st));
      }
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /**
   * Room for the errno of one thread's calls on a packet path ({@link #read}, {@link #write},
   * {@link #poll}): a path that moves a packet per call cannot afford an arena per call.
   */
  static MemorySegment callState(Arena arena) {
    return arena.allocate(Linker.Option.captureStateLayout());
  }

  /** read(2): the count, or minus the errno (EAGAIN on an empty non-blocking descriptor is no failure there). */
  static long read(int fd, MemorySegment buf, long len, MemorySegment state) {
    try {
      long n = (long) READ.invokeExact(state, fd, buf, len);
      return n >= 0 ? n : -errno(state);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** write(2): the count, or minus the errno. */
  static long write(int fd, MemorySegment buf, long len, MemorySegment state) {
    try {
      long n = (long) WRITE.invokeExact(state, fd, buf, len);
      return n >= 0 ? n : -errno(state);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** poll(2) on {@code count} {@code struct pollfd}s: how many are ready (0 on timeout), or minus the errno. */
  static int poll(MemorySegment fds, int count, int timeoutMillis, MemorySegment state) {
    try {
      int n = (int) POLL.invokeExact(state, fds, (long) count, timeoutMillis);
      return n >= 0 ? n : -errno(state);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }
}
