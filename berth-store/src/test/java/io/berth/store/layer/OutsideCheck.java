package io.berth.store.layer;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.oci.Digest;
import io.berth.store.os.Syscalls;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Proves an extraction stayed in its root: everything else in the directory around the root (a
 * directory {@code outside} with a file and a subdirectory that symlink targets aim at, a file
 * beside them) keeps its names, types, modes, owners, sizes, times, link counts, link targets,
 * xattrs and contents; and a symlink the extraction left that leads out of the root, to anywhere
 * on the host, leads to something no change reached while the extraction ran.
 */
final class OutsideCheck {
  private static final List<String> VOLATILE = List.of("/proc", "/sys", "/dev", "/run", "/tmp");
  private final Path dir;
  private final Path root;

  /** What the surroundings were before an extraction, and when it started. */
  record Before(Map<String, String> tree, FileTime start) {}

  private OutsideCheck(Path dir) {
    this.dir = dir;
    this.root = dir.resolve("root");
  }

  static OutsideCheck around(Path dir) throws IOException {
    Path out = Files.createDirectories(dir.resolve("outside").resolve("dir"));
    Files.writeString(out.resolveSibling("secret"), "not the layer's\n");
    Files.writeString(out.resolve("inner"), "nor this\n");
    Files.writeString(dir.resolve("sibling"), "beside the root\n");
    return new OutsideCheck(dir.toRealPath());
  }

  Path outsideDir() {
    return dir.resolve("outside");
  }

  /** An empty root, in place of the last one. */
  Path freshRoot() throws IOException {
    LayerApplier.deleteTree(root);
    return Files.createDirectory(root);
  }

  Before before() throws IOException {
    Map<String, String> tree = tree();
    return new Before(tree, FileTime.from(Instant.now()));
  }

  void assertUnchanged(Before before, Path root) throws IOException {
    assertThat(tree()).as("the directory around the root").isEqualTo(before.tree());
    for (Path link : symlinks(root)) {
      Path target = Files.readSymbolicLink(link);
      Path host;
      try {
        host = (target.isAbsolute() ? target : link.getParent().resolve(target)).toRealPath();
      } catch (IOException dangling) {
        continue; // nothing there: nothing was written through it
      }
      if (host.startsWith(this.root) || host.startsWith(dir) || VOLATILE.stream().anyMatch(host::startsWith)) {
        continue; // inside, or checked above, or changing on its own
      }
      FileTime changed = (FileTime) Files.getAttribute(host, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
      assertThat(changed).as("%s -> %s leads to %s, changed during the extraction", link, target, host)
          .isLessThan(before.start());
    }
  }

  private static List<Path> symlinks(Path root) throws IOException {
    List<Path> out = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isSymbolicLink()) {
          out.add(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return out;
  }

  private Map<String, String> tree() throws IOException {
    Map<String, String> out = new TreeMap<>();
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
        if (d.equals(root)) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        out.put(dir.relativize(d).toString(), describe(d));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        out.put(dir.relativize(file).toString(), describe(file));
        return FileVisitResult.CONTINUE;
      }
    });
    return out;
  }

  private static String describe(Path p) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,lastModifiedTime,ctime,nlink",
        LinkOption.NOFOLLOW_LINKS);
    StringBuilder s = new StringBuilder(new TreeMap<>(a).toString());
    for (String x : Syscalls.llistxattr(p.toString())) {
      s.append(' ').append(x).append('=').append(Digest.sha256(Syscalls.lgetxattr(p.toString(), x)).hex());
    }
    if (Files.isSymbolicLink(p)) {
      s.append(" -> ").append(Files.readSymbolicLink(p));
    } else if (Files.isRegularFile(p)) {
      s.append(' ').append(Digest.sha256(Files.readAllBytes(p)).hex());
    }
    return s.toString();
  }
}
