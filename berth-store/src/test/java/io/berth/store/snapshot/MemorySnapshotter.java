package io.berth.store.snapshot;

import io.berth.errdefs.AlreadyExistsException;
import io.berth.errdefs.NotFoundException;
import io.berth.store.content.ContentStore;
import io.berth.store.layer.LayerApplier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@link Snapshotter} without overlayfs or mount privileges, for unit tests of its callers.
 *
 * <p>Which keys exist and where each is mounted is kept in memory; files cannot be, because the
 * interface hands out real directories ({@link #mount}'s target, {@link #changes}) that callers
 * write into and archive. So each key has two directories under a temp root: {@code lower}, its
 * layers applied in order with whiteouts as deletions (a private copy, as containerd's native
 * snapshotter makes), and {@code upper}, what the key changed, in OCI layer form: changed and new
 * entries, and an empty {@code .wh.NAME} per deletion (which {@code LayerDiffWriter} archives as
 * the OCI whiteout it is, where overlay keeps a 0/0 device). A mount is a copy of lower with upper
 * applied, not a view: what the caller changes there reaches upper when {@link #changes},
 * {@link #usage}, {@link #diff} or {@link #unmount} compare the copy with lower. Every method
 * holds the one monitor: slow, and simple enough to trust. Passes {@link SnapshotterConformance}.
 */
public final class MemorySnapshotter implements Snapshotter {
  private static final String WHITEOUT = ".wh.";
  private final Path root;
  private final ContentStore content;
  private final LayerApplier applier = new LayerApplier(LayerApplier.Whiteouts.DELETE);
  private final Map<String, Path> keys = new HashMap<>();
  private final Map<Path, String> mounts = new HashMap<>();

  /** {@code root} is a scratch directory the caller deletes (a JUnit {@code @TempDir}). */
  public MemorySnapshotter(Path root, ContentStore content) {
    this.root = root;
    this.content = content;
  }

  @Override
  public synchronized void prepare(String key, RootfsLayers layers) {
    if (keys.containsKey(key)) {
      throw new AlreadyExistsException("snapshot " + key + " exists already");
    }
    Path dir = root.resolve("keys").resolve(key);
    try {
      Files.createDirectories(dir.resolve("lower"));
      Files.createDirectories(dir.resolve("upper"));
      for (var diffId : layers.diffIds()) {
        try (InputStream in = content.open(diffId)) {
          applier.apply(in, dir.resolve("lower"), false);
        }
      }
    } catch (IOException | RuntimeException e) {
      LayerApplier.deleteTree(dir); // a failed prepare leaves no key
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new UncheckedIOException("preparing snapshot " + key, (IOException) e);
    }
    keys.put(key, dir);
  }

  @Override
  public synchronized void mount(String key, Path target) {
    Path dir = known(key);
    Path t = target.toAbsolutePath().normalize();
    if (key.equals(mounts.get(t))) {
      return;
    }
    try {
      Files.createDirectories(t);
      copyTree(dir.resolve("lower"), t);
      applyUpper(dir.resolve("upper"), t);
    } catch (IOException e) {
      throw new UncheckedIOException("mounting snapshot " + key + " at " + t, e);
    }
    mounts.put(t, key);
  }

  @Override
  public synchronized void unmount(Path target) {
    Path t = target.toAbsolutePath().normalize();
    String key = mounts.get(t);
    if (key == null) {
      return;
    }
    sync(key);
    mounts.remove(t);
    emptyDir(t); // what stays of a mount point once unmounted
  }

  @Override
  public synchronized void remove(String key) {
    Path dir = keys.remove(key);
    if (dir != null) {
      mounts.values().removeIf(key::equals);
      LayerApplier.deleteTree(dir);
    }
  }

  @Override
  public synchronized List<String> keys() {
    return List.copyOf(keys.keySet());
  }

  @Override
  public synchronized long usage(String key) {
    if (!keys.containsKey(key)) {
      return 0;
    }
    sync(key);
    try (Stream<Path> s = Files.walk(keys.get(key).resolve("upper"))) {
      return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(MemorySnapshotter::size).sum();
    } catch (IOException e) {
      throw new UncheckedIOException("measuring snapshot " + key, e);
    }
  }

  @Override
  public synchronized Path changes(String key) {
    known(key);
    sync(key);
    return keys.get(key).resolve("upper");
  }

  @Override
  public synchronized List<OverlayChanges.Change> diff(String key, Set<String> ignored) {
    Path dir = known(key);
    sync(key);
    Path upper = dir.resolve("upper");
    Path lower = dir.resolve("lower");
    List<OverlayChanges.Change> out = new ArrayList<>();
    for (Path rel : relativeEntries(upper)) {
      String name = rel.getFileName().toString();
      boolean deleted = name.startsWith(WHITEOUT);
      Path path = deleted ? sibling(rel, name.substring(WHITEOUT.length())) : rel;
      String abs = "/" + path;
      if (ignored.contains(abs)) {
        continue;
      }
      OverlayChanges.Kind kind = deleted ? OverlayChanges.Kind.DELETED
          : Files.exists(lower.resolve(rel), LinkOption.NOFOLLOW_LINKS) ? OverlayChanges.Kind.MODIFIED
          : OverlayChanges.Kind.ADDED;
      out.add(new OverlayChanges.Change(abs, kind));
    }
    out.sort(java.util.Comparator.comparing(OverlayChanges.Change::path));
    return out;
  }

  private Path known(String key) {
    Path dir = keys.get(key);
    if (dir == null) {
      throw new NotFoundException("no prepared root filesystem for " + key);
    }
    return dir;
  }

  /** Rebuilds {@code key}'s upper from its mounted copy (when mounted) against its lower. */
  private void sync(String key) {
    Path mounted = mounts.entrySet().stream().filter(e -> e.getValue().equals(key)).map(Map.Entry::getKey)
        .findFirst().orElse(null);
    if (mounted == null) {
      return;
    }
    Path dir = keys.get(key);
    Path lower = dir.resolve("lower");
    Path upper = dir.resolve("upper");
    try {
      emptyDir(upper);
      for (Path rel : relativeEntries(mounted)) {
        Path now = mounted.resolve(rel.toString());
        Path was = lower.resolve(rel.toString());
        if (differs(now, was)) {
          makeDirs(mounted, upper, rel.getParent());
          if (Files.isDirectory(now, LinkOption.NOFOLLOW_LINKS)) {
            makeDirs(mounted, upper, rel);
          } else {
            Files.copy(now, upper.resolve(rel.toString()), LinkOption.NOFOLLOW_LINKS,
                StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      for (Path rel : relativeEntries(lower)) {
        Path now = mounted.resolve(rel.toString());
        Path parent = now.getParent();
        if (!Files.exists(now, LinkOption.NOFOLLOW_LINKS) && Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
          makeDirs(mounted, upper, rel.getParent());
          Files.createFile(upper.resolve(sibling(rel, WHITEOUT + rel.getFileName()).toString()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the changes of " + key, e);
    }
  }

  /** A change: new, another type or mode, or (not a directory) other bytes or link target. */
  private static boolean differs(Path now, Path was) throws IOException {
    if (!Files.exists(was, LinkOption.NOFOLLOW_LINKS)) {
      return true;
    }
    var a = Files.readAttributes(now, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
    var b = Files.readAttributes(was, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
    if (!a.equals(b)) {
      return true;
    }
    if (Files.isSymbolicLink(now)) {
      return !Files.readSymbolicLink(now).equals(Files.readSymbolicLink(was));
    }
    return Files.isRegularFile(now, LinkOption.NOFOLLOW_LINKS) && Files.mismatch(now, was) != -1;
  }

  /**
   * Creates {@code rel} and its parents under {@code to} as directories with the mode and owner
   * they have under {@code from}, so that a directory made only to hold a change is no change.
   */
  private static void makeDirs(Path from, Path to, Path rel) throws IOException {
    if (rel == null) {
      return;
    }
    makeDirs(from, to, rel.getParent());
    Path dst = to.resolve(rel.toString());
    if (!Files.isDirectory(dst, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectory(dst);
      sameAttributes(from.resolve(rel.toString()), dst);
    }
  }

  private static void sameAttributes(Path src, Path dst) throws IOException {
    var from = Files.readAttributes(src, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    PosixFileAttributeView view = Files.getFileAttributeView(dst, PosixFileAttributeView.class,
        LinkOption.NOFOLLOW_LINKS);
    view.setOwner(from.owner());
    view.setGroup(from.group());
    view.setPermissions(from.permissions());
  }

  private static void copyTree(Path from, Path to) throws IOException {
    for (Path rel : relativeEntries(from)) {
      Path src = from.resolve(rel.toString());
      Path dst = to.resolve(rel.toString());
      boolean dir = Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS);
      if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS) && dir != Files.isDirectory(dst, LinkOption.NOFOLLOW_LINKS)) {
        LayerApplier.deleteTree(dst); // the entry changed type
      }
      if (dir) {
        if (!Files.isDirectory(dst, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectory(dst);
        }
        sameAttributes(src, dst);
      } else {
        Files.copy(src, dst, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES,
            StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static void applyUpper(Path upper, Path to) throws IOException {
    for (Path rel : relativeEntries(upper)) {
      String name = rel.getFileName().toString();
      if (name.startsWith(WHITEOUT)) {
        LayerApplier.deleteTree(to.resolve(sibling(rel, name.substring(WHITEOUT.length())).toString()));
      }
    }
    copyTree(upper, to);
    for (Path rel : relativeEntries(to)) {
      if (rel.getFileName().toString().startsWith(WHITEOUT)) {
        Files.deleteIfExists(to.resolve(rel.toString()));
      }
    }
  }

  /** Entries below {@code dir}, relative to it, parents before children. */
  private static List<Path> relativeEntries(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir)).map(dir::relativize).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + dir, e);
    }
  }

  private static Path sibling(Path rel, String name) {
    return rel.getParent() == null ? Path.of(name) : rel.getParent().resolve(name);
  }

  private static void emptyDir(Path dir) {
    for (Path rel : relativeEntries(dir).reversed()) {
      try {
        Files.deleteIfExists(dir.resolve(rel.toString()));
      } catch (IOException e) {
        throw new UncheckedIOException("emptying " + dir, e);
      }
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
