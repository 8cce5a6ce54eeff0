package io.berth.runtime;

import io.berth.errdefs.InvalidArgumentException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Host device nodes a container is given ({@code --device}, compose {@code devices:}): a node,
 * or every node under a directory, with its type and numbers read from the host, as Docker
 * gathers them.
 */
public final class HostDevices {
  private static final int S_IFMT = 0170000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFBLK = 0060000;
  private static final java.util.Set<String> SKIPPED_DIRS =
      java.util.Set.of("pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev");

  /** A device as the OCI spec wants it, plus the cgroup access ("rwm" subset) it is allowed. */
  public record Node(String path, String type, long major, long minor, int fileMode, int uid, int gid, String access) {}

  private HostDevices() {}

  /**
   * The nodes for one request: {@code onHost} a device or a directory of them (each keeps its
   * path under {@code inContainer}); {@code access} a non-empty subset of "rwm".
   */
  public static List<Node> resolve(String onHost, String inContainer, String access) {
    if (access.isEmpty() || !access.matches("[rwm]{1,3}")) {
      throw new InvalidArgumentException("invalid device mode: " + access + " (a combination of r, w and m)");
    }
    if (onHost.indexOf('\0') >= 0 || (inContainer != null && inContainer.indexOf('\0') >= 0)) {
      throw new InvalidArgumentException("error gathering device information while adding custom device \""
          + onHost.replace("\0", "\\0") + "\": a path contains a NUL character");
    }
    Path host = Path.of(onHost);
    String target = inContainer == null || inContainer.isEmpty() ? onHost : inContainer;
    try {
      if (Files.isDirectory(host)) {
        List<Node> out = new ArrayList<>();
        try (Stream<Path> all = Files.walk(host)) {
          for (Path p : all.toList()) {
            Node n = node(p, target + "/" + host.relativize(p), access);
            if (n != null) {
              out.add(n);
            }
          }
        }
        return out;
      }
      // a symlink (/dev/disk/by-id/...) names the node it points to, as Docker resolves it
      Node n = Files.exists(host) ? node(host.toRealPath(), target, access) : null;
      if (n == null) {
        throw new InvalidArgumentException("error gathering device information while adding custom device \""
            + onHost + "\": " + (Files.exists(host) ? "not a device node" : "no such file or directory"));
      }
      return List.of(n);
    } catch (IOException e) {
      throw new UncheckedIOException("reading device " + onHost, e);
    }
  }

  /**
   * The device node at {@code path} (symlinks followed), or null when it is something else;
   * for block I/O limits, which name a host device by path.
   */
  public static Node device(Path path) throws IOException {
    return node(path.toRealPath(), path.toString(), "rwm");
  }

  /**
   * Every device node under the host's /dev, as Docker gives a {@code --privileged} container:
   * block and character devices only, not symlinks, the console, or the pts, shm, fd and mqueue
   * directories (the container has its own).
   */
  public static List<Node> all() {
    List<Node> out = new ArrayList<>();
    collect(Path.of("/dev"), out);
    return out;
  }

  private static void collect(Path dir, List<Node> out) {
    List<Path> entries;
    try (Stream<Path> list = Files.list(dir)) {
      entries = list.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("listing host devices in " + dir, e);
    }
    for (Path p : entries) {
      String name = p.getFileName().toString();
      try {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          if (!SKIPPED_DIRS.contains(name)) {
            collect(p, out);
          }
        } else if (!name.equals("console") && !Files.isSymbolicLink(p)) {
          Node n = node(p, p.toString(), "rwm");
          if (n != null) {
            out.add(n);
          }
        }
      } catch (IOException e) {
        // a node that vanished while listed is not a device to give
      }
    }
  }

  private static Node node(Path p, String target, String access) throws IOException {
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    int fmt = mode & S_IFMT;
    if (fmt != S_IFCHR && fmt != S_IFBLK) {
      return null;
    }
    long rdev = (Long) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
    long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
    long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
    return new Node(target, fmt == S_IFCHR ? "c" : "b", major, minor, mode & 07777,
        (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS),
        (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS), access);
  }
}
