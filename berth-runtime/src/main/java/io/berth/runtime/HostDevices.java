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
      Node n = Files.exists(host, LinkOption.NOFOLLOW_LINKS) || Files.exists(host) ? node(host, target, access) : null;
      if (n == null) {
        throw new InvalidArgumentException("error gathering device information while adding custom device \""
            + onHost + "\": " + (Files.exists(host) ? "not a device node" : "no such file or directory"));
      }
      return List.of(n);
    } catch (IOException e) {
      throw new UncheckedIOException("reading device " + onHost, e);
    }
  }

  private static Node node(Path p, String target, String access) throws IOException {
    int mode = (Integer) Files.getAttribute(p, "unix:mode");
    int fmt = mode & S_IFMT;
    if (fmt != S_IFCHR && fmt != S_IFBLK) {
      return null;
    }
    long rdev = (Long) Files.getAttribute(p, "unix:rdev");
    long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
    long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
    return new Node(target, fmt == S_IFCHR ? "c" : "b", major, minor, mode & 07777,
        (Integer) Files.getAttribute(p, "unix:uid"), (Integer) Files.getAttribute(p, "unix:gid"), access);
  }
}
