package io.berth.network.netlink;

import io.berth.errdefs.AlreadyExistsException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Named network namespaces as iproute2 keeps them, without running {@code ip netns}: a
 * namespace {@code NAME} is held alive by a bind mount of its nsfs file onto the empty file
 * {@code /run/netns/NAME}, and {@code /run/netns} is a shared mount point so the mounts
 * propagate to mount namespaces made later. {@code ip netns}, runc and berthd's of any version
 * therefore see and remove each other's namespaces. Namespace switching happens on a fresh
 * platform thread ({@link PlatformThread}) that goes back to the host namespace, and then ends,
 * before anything else runs on it.
 */
public final class NetNamespaces {
  private static final Path RUN_DIR = Path.of("/run/netns");
  private static final String SELF = "/proc/thread-self/ns/net";
  private static volatile boolean runDirReady;

  private NetNamespaces() {}

  /** /run/netns/NAME. */
  public static Path path(String name) {
    if (name == null || !name.matches("[a-zA-Z0-9_.-]{1,200}") || name.startsWith(".")) {
      throw new InvalidArgumentException("invalid network namespace name " + name);
    }
    return RUN_DIR.resolve(name);
  }

  public static boolean exists(String name) {
    return Files.exists(path(name));
  }

  /**
   * Creates namespace {@code name} (nothing in it but a loopback that is down) and returns its
   * path. {@link AlreadyExistsException} when the name is taken; on any other failure nothing
   * is left behind.
   */
  public static Path create(String name) {
    Path p = path(name);
    prepareRunDir();
    try {
      Libc.close(Libc.open(p.toString(), Libc.O_RDONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_CLOEXEC, 0));
    } catch (Libc.Errno e) {
      String text = "creating network namespace " + name + ": " + e.getMessage();
      throw e.errno == Libc.EEXIST ? new AlreadyExistsException(text, e) : new UnavailableException(text, e);
    }
    try {
      PlatformThread.call("creating network namespace " + name, () -> {
        int home = Libc.open(SELF, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        try {
          Libc.unshare(Libc.CLONE_NEWNET);
          try {
            Libc.mount(SELF, p.toString(), "none", Libc.MS_BIND, "mount --bind " + SELF + " " + p);
          } finally {
            Libc.setns(home, Libc.CLONE_NEWNET, "the host network namespace");
          }
        } finally {
          Libc.close(home);
        }
        return null;
      });
      return p;
    } catch (RuntimeException e) {
      try {
        delete(name);
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * What {@code ip netns add} does once per call: /run/netns exists and is a shared mount point
   * (made one by binding it onto itself when it is a plain directory). Once per daemon here.
   */
  private static synchronized void prepareRunDir() {
    if (runDirReady) {
      return;
    }
    try {
      Files.createDirectories(RUN_DIR);
    } catch (IOException e) {
      throw new UnavailableException("creating " + RUN_DIR + ": " + e.getMessage(), e);
    }
    try {
      try {
        Libc.mount("", RUN_DIR.toString(), "none", Libc.MS_SHARED | Libc.MS_REC, "mount --make-shared " + RUN_DIR);
      } catch (Libc.Errno e) {
        if (e.errno != Libc.EINVAL) {
          throw e;
        }
        // not a mount point yet
        Libc.mount(RUN_DIR.toString(), RUN_DIR.toString(), "none", Libc.MS_BIND | Libc.MS_REC,
            "mount --bind " + RUN_DIR + " " + RUN_DIR);
        Libc.mount("", RUN_DIR.toString(), "none", Libc.MS_SHARED | Libc.MS_REC, "mount --make-shared " + RUN_DIR);
      }
    } catch (Libc.Errno e) {
      throw new UnavailableException("preparing " + RUN_DIR + " for network namespaces: " + e.getMessage(), e);
    }
    runDirReady = true;
  }

  /**
   * Deletes namespace {@code name} (it ends when nothing else holds it: its interfaces go with
   * it). False when there was none; repeatable.
   */
  public static boolean delete(String name) {
    Path p = path(name);
    int err = Libc.umount2(p.toString(), Libc.MNT_DETACH);
    if (err == Libc.ENOENT) {
      return false;
    }
    // EINVAL: not mounted (a half-made namespace); the file still goes
    try {
      return Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UnavailableException("deleting network namespace " + name + ": " + e.getMessage()
          + (err == 0 || err == Libc.EINVAL ? "" : " (unmounting it: " + Libc.strerror(err) + ")"), e);
    }
  }

  /**
   * Runs {@code work} inside the namespace file {@code netns} on a platform thread of its own.
   * Sockets it opens stay in that namespace for their whole life.
   */
  public static <T> T inside(Path netns, Callable<T> work) {
    return PlatformThread.call("entering network namespace " + netns, () -> {
      int home = Libc.open(SELF, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
      try {
        int target = Libc.open(netns.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        try {
          Libc.setns(target, Libc.CLONE_NEWNET, netns.toString());
        } finally {
          Libc.close(target);
        }
        T value;
        try {
          value = work.call();
        } catch (Throwable e) {
          Libc.setns(home, Libc.CLONE_NEWNET, "the host network namespace");
          throw e;
        }
        try {
          Libc.setns(home, Libc.CLONE_NEWNET, "the host network namespace");
        } catch (RuntimeException e) {
          if (value instanceof AutoCloseable c) {
            c.close(); // nobody will receive it
          }
          throw e;
        }
        return value;
      } finally {
        Libc.close(home);
      }
    });
  }

  /** An open descriptor of a namespace file, to name the namespace to the kernel; the caller closes it. */
  static int openFd(Path netns) {
    try {
      return Libc.open(netns.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
    } catch (Libc.Errno e) {
      throw new UnavailableException("network namespace: " + e.getMessage(), e);
    }
  }

}
