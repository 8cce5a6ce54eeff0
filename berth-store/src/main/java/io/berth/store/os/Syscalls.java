package io.berth.store.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The few Linux syscalls the JDK lacks, through the Foreign Function & Memory API: mount,
 * umount2, mknod (overlay whiteouts) and the l*xattr calls (opaque directories, and the extended
 * attributes layers carry: the JDK's UserDefinedFileAttributeView sees only {@code user.} and
 * follows symlinks). Each returns 0 or throws with errno, so callers can name what failed.
 */
public final class Syscalls {
  public static final long MNT_DETACH = 2;
  public static final int S_IFCHR = 0020000;
  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
  private static final VarHandle ERRNO_HANDLE = Linker.Option.captureStateLayout()
      .varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
  private static final MethodHandle MOUNT = handle("mount", FunctionDescriptor.of(ValueLayout.JAVA_INT,
      ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
  private static final MethodHandle UMOUNT2 = handle("umount2", FunctionDescriptor.of(ValueLayout.JAVA_INT,
      ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
  private static final MethodHandle MKNOD = handle("mknod", FunctionDescriptor.of(ValueLayout.JAVA_INT,
      ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
  private static final MethodHandle LSETXATTR = handle("lsetxattr", FunctionDescriptor.of(ValueLayout.JAVA_INT,
      ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
  private static final MethodHandle LGETXATTR = handle("lgetxattr", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
      ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
  private static final MethodHandle LLISTXATTR = handle("llistxattr", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
      ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
  private static final int ENODATA = 61;
  /** The file system (or this file type) keeps no such attribute: EOPNOTSUPP, ENOTSUP on Linux. */
  public static final int ENOTSUP = 95;
  /** XATTR_SIZE_MAX and XATTR_LIST_MAX of Linux: no value or name list is longer. */
  private static final long XATTR_MAX = 65536;

  private Syscalls() {}

  private static MethodHandle handle(String name, FunctionDescriptor fd) {
    return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), fd, ERRNO);
  }

  /** Thrown with the errno of a failed call. */
  public static final class SyscallException extends RuntimeException {
    public final int errno;

    SyscallException(String what, int errno) {
      super(what + " failed: errno " + errno + " (" + describe(errno) + ")");
      this.errno = errno;
    }
  }

  public static void mount(String source, String target, String type, long flags, String data) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(Linker.Option.captureStateLayout());
      MemorySegment opts = data == null ? MemorySegment.NULL : a.allocateFrom(data);
      int rc = (int) MOUNT.invokeExact(state, a.allocateFrom(source), a.allocateFrom(target),
          a.allocateFrom(type), flags, opts);
      check(rc, state, "mount " + type + " on " + target);
    } catch (SyscallException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Returns the errno (0 on success) instead of throwing: callers often accept EINVAL (not mounted). */
  public static int umount2(String target, long flags) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(Linker.Option.captureStateLayout());
      int rc = (int) UMOUNT2.invokeExact(state, a.allocateFrom(target), (int) flags);
      return rc == 0 ? 0 : (int) ERRNO_HANDLE.get(state, 0L);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  public static void mknod(String path, int mode, long dev) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(Linker.Option.captureStateLayout());
      int rc = (int) MKNOD.invokeExact(state, a.allocateFrom(path), mode, dev);
      check(rc, state, "mknod " + path);
    } catch (SyscallException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  public static void lsetxattr(String path, String name, byte[] value) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(Linker.Option.captureStateLayout());
      MemorySegment v = a.allocate(Math.max(1, value.length));
      v.copyFrom(MemorySegment.ofArray(value));
      int rc = (int) LSETXATTR.invokeExact(state, a.allocateFrom(path), a.allocateFrom(name), v,
          (long) value.length, 0);
      check(rc, state, "setxattr " + name + " on " + path);
    } catch (SyscallException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** The attribute's value, or null when the file does not have it. */
  public static byte[] lgetxattr(String path, String name) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(Linker.Option.captureStateLayout());
      MemorySegment buf = a.allocate(XATTR_MAX);
      long n = (long) LGETXATTR.invokeExact(state, a.allocateFrom(path), a.allocateFrom(name), buf, XATTR_MAX);
      if (n < 0) {
        int errno = (int) ERRNO_HANDLE.get(state, 0L);
        if (errno == ENODATA) {
          return null;
        }
        throw new SyscallException("getxattr " + name + " on " + path, errno);
      }
      return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    } catch (SyscallException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /**
   * The names of the file's extended attributes (of the link itself, never its target), those the
   * caller may see; empty where the file system keeps none.
   */
  public static List<String> llistxattr(String path) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(Linker.Option.captureStateLayout());
      MemorySegment buf = a.allocate(XATTR_MAX);
      long n = (long) LLISTXATTR.invokeExact(state, a.allocateFrom(path), buf, XATTR_MAX);
      if (n < 0) {
        int errno = (int) ERRNO_HANDLE.get(state, 0L);
        if (errno == ENOTSUP) {
          return List.of();
        }
        throw new SyscallException("listxattr on " + path, errno);
      }
      List<String> names = new ArrayList<>();
      byte[] raw = buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
      int start = 0;
      for (int i = 0; i < raw.length; i++) {
        if (raw[i] == 0) {
          if (i > start) {
            names.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
          }
          start = i + 1;
        }
      }
      return names;
    } catch (SyscallException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private static void check(int rc, MemorySegment state, String what) {
    if (rc != 0) {
      throw new SyscallException(what, (int) ERRNO_HANDLE.get(state, 0L));
    }
  }

  private static String describe(int errno) {
    return switch (errno) {
      case 1 -> "operation not permitted";
      case 2 -> "no such file or directory";
      case 7 -> "argument list too long";
      case 13 -> "permission denied";
      case 15 -> "block device required";
      case 16 -> "device or resource busy";
      case 17 -> "file exists";
      case 19 -> "no such device";
      case 20 -> "not a directory";
      case 22 -> "invalid argument";
      case 28 -> "no space left on device";
      case 34 -> "result too large";
      case 61 -> "no data available";
      case 95 -> "operation not supported";
      default -> "see errno(3)";
    };
  }
}
