package io.berth.daemon.roots;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes berthd's roots to other host users, as Docker closed its own after CVE-2021-41091.
 * Image layers and containers' file systems hold setuid-root programs, and a container's files
 * hold the secrets it was given; a host user who can walk to them runs those programs with euid
 * 0 and reads those secrets. Nothing needs such a walk: berthd and its helpers run as root, and
 * a container reaches its root file system, volumes and sandbox files through its own mount
 * namespace, whatever user it runs as. So each root, and each directory directly under it, is
 * owned by berthd's user and group with mode 0710: the owner has everything, the group may only
 * pass through (Docker's rule; its members can use the 0660 API socket and so are root's
 * equals), others have nothing.
 *
 * <p>Applied at every start, this also tightens roots made 0755 by earlier versions. Only these
 * gate directories change: the paths below them are unreachable once a gate is shut, and
 * walking millions of layer files would make a start take minutes.
 */
public final class RootPermissions {
  private static final Logger LOG = LoggerFactory.getLogger(RootPermissions.class);
  /** rwx--x---: what Docker gives its data root's containers and overlay2 directories. */
  static final int GATE_MODE = 0710;
  private static final int PERMISSION_BITS = 07777;

  private RootPermissions() {}

  /**
   * Creates {@code root} if needed, never open to others even for an instant, and shuts it; the
   * first thing a daemon does to a root, before it writes anything into it.
   */
  public static void create(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      Files.createDirectories(root.toAbsolutePath().getParent());
      try {
        Files.createDirectory(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x---")));
      } catch (FileAlreadyExistsException raced) {
        // made by another process in between: shut below all the same
      }
    }
    shut(root.toRealPath(), ownUid(), ownGid());
  }

  /**
   * Shuts {@code root} and every directory directly under it; done once the daemon has made
   * the directories it needs, so a new root is as closed as an upgraded one.
   */
  public static void secure(Path root) throws IOException {
    Path real = root.toRealPath();
    List<Path> gates = new ArrayList<>();
    gates.add(real);
    try (Stream<Path> children = Files.list(real)) {
      children.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(gates::add);
    }
    int uid = ownUid();
    int gid = ownGid();
    for (Path dir : gates) {
      shut(dir, uid, gid);
    }
  }

  private static int ownUid() throws IOException {
    return (int) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }

  private static int ownGid() throws IOException {
    return (int) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
  }

  /** Makes {@code dir} belong to {@code uid}:{@code gid} with {@link #GATE_MODE}, saying what it changed. */
  private static void shut(Path dir, int uid, int gid) throws IOException {
    int owner = (int) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    int group = (int) Files.getAttribute(dir, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    if (owner != uid || group != gid) {
      // a root owned by another user gives that user every setuid program of every image
      Files.setAttribute(dir, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(dir, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
      LOG.warn("{} belonged to {}:{}; it is berthd's now ({}:{})", dir, owner, group, uid, gid);
    }
    int mode = (int) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS) & PERMISSION_BITS;
    if (mode != GATE_MODE) {
      Files.setAttribute(dir, "unix:mode", GATE_MODE, LinkOption.NOFOLLOW_LINKS);
      LOG.info("tightened {} from {} to {}", dir, octal(mode), octal(GATE_MODE));
    }
  }

  private static String octal(int mode) {
    return String.format("%04o", mode);
  }
}
