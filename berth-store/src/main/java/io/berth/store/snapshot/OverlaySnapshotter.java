package io.berth.store.snapshot;

import io.berth.errdefs.DiskFull;
import io.berth.errdefs.AlreadyExistsException;
import io.berth.errdefs.NotFoundException;
import io.berth.errdefs.UnavailableException;
import io.berth.oci.Digest;
import io.berth.store.content.ContentStore;
import io.berth.store.layer.LayerApplier;
import io.berth.store.os.Syscalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * {@link Snapshotter} on overlayfs. Layers are unpacked once under {@code layers/<chain id>/diff}
 * (so images sharing a prefix of layers share the directories) through a temporary directory
 * renamed into place, which makes a half-unpacked layer invisible and concurrent unpacks safe.
 */
public final class OverlaySnapshotter implements Snapshotter {
  private static final int MAX_MOUNT_DATA = 4000;
  private final Path root;
  private final ContentStore content;
  private final LayerApplier applier = new LayerApplier();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final Trash trash;

  public OverlaySnapshotter(Path root, ContentStore content) {
    this.root = root;
    this.content = content;
    this.trash = new Trash(root.resolve("trash"));
    try {
      Files.createDirectories(root.resolve("layers"));
      Files.createDirectories(root.resolve("containers"));
      Files.createDirectories(root.resolve("empty"));
      // unpacks a crash interrupted are never renamed into place: nothing refers to them
      try (Stream<Path> s = Files.list(root.resolve("layers"))) {
        s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).forEach(LayerApplier::deleteTree);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("creating snapshotter at " + root, e);
    }
  }

  /** OCI chain ids of an image's layers, bottom first. */
  public static List<Digest> chainIds(List<Digest> diffIds) {
    List<Digest> out = new ArrayList<>();
    Digest prev = null;
    for (Digest d : diffIds) {
      prev = prev == null ? d : Digest.sha256((prev + " " + d).getBytes(StandardCharsets.UTF_8));
      out.add(prev);
    }
    return out;
  }

  /** Unpacks the missing layers; returns their diff directories, bottom first. */
  public List<Path> ensureLayers(RootfsLayers layers) {
    List<Digest> diffIds = layers.diffIds();
    List<Digest> chains = chainIds(diffIds);
    List<Path> dirs = new ArrayList<>();
    for (int i = 0; i < chains.size(); i++) {
      dirs.add(ensureLayer(chains.get(i), diffIds.get(i)));
    }
    return dirs;
  }

  /**
   * Unpacks one layer, whose uncompressed tar the content store holds under its diff id, under
   * its chain id unless it is there already; returns its diff directory. The content store checked
   * the blob against that digest as it stored it, so the bytes are not hashed again here. An
   * overlay layer's directory holds only its own changes, so layers of one image can be unpacked
   * in any order and at the same time.
   */
  public Path ensureLayer(Digest chainId, Digest diffId) {
    Path dir = root.resolve("layers").resolve(chainId.hex());
    Path diff = dir.resolve("diff");
    synchronized (locks.computeIfAbsent(chainId.hex(), k -> new Object())) {
      if (!Files.isDirectory(diff)) {
        Path tmp = root.resolve("layers").resolve(".tmp-" + UUID.randomUUID());
        try (InputStream in = content.open(diffId)) {
          LayerApplier.Applied a = applier.apply(in, tmp.resolve("diff"), false);
          Files.writeString(tmp.resolve("size"), Long.toString(a.size()));
          Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          LayerApplier.deleteTree(tmp);
          throw DiskFull.orUnchecked("unpacking layer " + diffId, e);
        } catch (RuntimeException e) {
          LayerApplier.deleteTree(tmp);
          throw DiskFull.named("unpacking layer " + diffId, e); // not the layer's fault: the disk's
        }
      }
    }
    return diff;
  }

  /**
   * A layer to be unpacked while its bytes are stored ({@link StagedLayer#tee}), into a staging
   * directory beside the layers (so that {@link #adopt} is a rename); one a crash leaves behind
   * is removed at the next start.
   */
  public StagedLayer stageLayer() {
    return new StagedLayer(root.resolve("layers").resolve(".tmp-" + UUID.randomUUID()), applier);
  }

  /**
   * Makes a staged layer the unpacked layer of {@code chainId}, unless that is there already (then
   * the staged copy is dropped); false when the staged bytes could not be unpacked, so that the
   * caller unpacks from the stored blob instead ({@link #ensureLayer}).
   */
  public boolean adopt(Digest chainId, StagedLayer staged) {
    LayerApplier.Applied a = staged.finish();
    if (a == null || staged.isAdopted()) {
      return false; // not unpackable, or already given to another chain (same bytes, other parents)
    }
    Path dir = root.resolve("layers").resolve(chainId.hex());
    synchronized (locks.computeIfAbsent(chainId.hex(), k -> new Object())) {
      if (Files.isDirectory(dir.resolve("diff"))) {
        return true; // another image has it: the staged copy is deleted when closed
      }
      try {
        Files.writeString(staged.dir().resolve("size"), Long.toString(a.size()));
        Files.move(staged.dir(), dir, StandardCopyOption.ATOMIC_MOVE);
        staged.adopted();
        return true;
      } catch (IOException e) {
        throw DiskFull.orUnchecked("moving the unpacked layer " + chainId + " into place", e);
      }
    }
  }

  /** Uncompressed size recorded when the layer with this chain id was unpacked, or -1. */
  public long layerSize(Digest chainId) {
    try {
      return Long.parseLong(Files.readString(root.resolve("layers").resolve(chainId.hex()).resolve("size")).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public void prepare(String key, RootfsLayers image) {
    Path c = root.resolve("containers").resolve(key);
    if (Files.exists(c, LinkOption.NOFOLLOW_LINKS)) {
      throw new AlreadyExistsException("snapshot " + key + " exists already");
    }
    List<Path> layers = ensureLayers(image);
    try {
      Files.createDirectories(c.resolve("upper"));
      Files.createDirectories(c.resolve("work"));
      List<String> lower = new ArrayList<>();
      for (int i = layers.size() - 1; i >= 0; i--) {
        lower.add(layers.get(i).toString());
      }
      if (lower.isEmpty()) {
        lower.add(root.resolve("empty").toString());
      }
      Files.writeString(c.resolve("lower"), String.join(":", lower));
    } catch (IOException e) {
      LayerApplier.deleteTree(c); // nothing half-prepared stays
      throw DiskFull.orUnchecked("preparing snapshot " + key, e);
    }
  }

  @Override
  public void mount(String key, Path target) {
    Path c = root.resolve("containers").resolve(key);
    try {
      Files.createDirectories(target);
      if (isMounted(target)) {
        return;
      }
      if (!Files.isRegularFile(c.resolve("lower"))) {
        throw new NotFoundException("no prepared root filesystem for " + key);
      }
      String lower = Files.readString(c.resolve("lower"));
      String rest = ",upperdir=" + c.resolve("upper") + ",workdir=" + c.resolve("work");
      if (("lowerdir=" + lower + rest).length() > MAX_MOUNT_DATA) {
        lower = shortened(lower);
      }
      String opts = "lowerdir=" + lower + rest;
      Syscalls.mount("overlay", target.toString(), "overlay", 0, opts);
    } catch (IOException e) {
      throw new UncheckedIOException("mounting snapshot " + key, e);
    } catch (Syscalls.SyscallException e) {
      throw new UnavailableException("cannot mount the container's root filesystem: " + e.getMessage());
    }
  }

  /**
   * The kernel takes at most one page of mount options; deep images get short symlinks
   * ({@code l/<12 hex>}) standing for their layer directories, as Docker's overlay2 does.
   */
  private String shortened(String lower) throws IOException {
    Path links = root.resolve("l");
    Files.createDirectories(links);
    List<String> out = new ArrayList<>();
    for (String dir : lower.split(":")) {
      String name = Digest.sha256(dir.getBytes(StandardCharsets.UTF_8)).shortHex();
      Path link = links.resolve(name);
      if (!Files.isSymbolicLink(link)) {
        try {
          Files.createSymbolicLink(link, Path.of(dir));
        } catch (java.nio.file.FileAlreadyExistsException raced) {
          // another mount made the same link
        }
      }
      out.add(link.toString());
    }
    return String.join(":", out);
  }

  private static boolean isMounted(Path target) throws IOException {
    String t = target.toAbsolutePath().toString();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] f = line.split(" ");
      if (f.length > 4 && f[4].equals(t)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void unmount(Path target) {
    if (!Files.exists(target)) {
      return;
    }
    for (int i = 0; i < 10; i++) {
      int errno = Syscalls.umount2(target.toString(), Syscalls.MNT_DETACH);
      if (errno != 0) {
        return;
      }
    }
  }

  @Override
  public void remove(String key) {
    trash.discard(root.resolve("containers").resolve(key)); // gone from its path now, deleted soon
  }

  @Override
  public List<String> keys() {
    try (Stream<Path> s = Files.list(root.resolve("containers"))) {
      return s.map(p -> p.getFileName().toString()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("listing snapshots in " + root.resolve("containers"), e);
    }
  }

  @Override
  public Path changes(String key) {
    Path upper = root.resolve("containers").resolve(key).resolve("upper");
    if (!Files.isDirectory(upper)) {
      throw new NotFoundException("no prepared root filesystem for " + key);
    }
    return upper;
  }

  @Override
  public List<OverlayChanges.Change> diff(String key, Set<String> ignored) {
    Path c = root.resolve("containers").resolve(key);
    List<Path> lowers = new ArrayList<>();
    try {
      for (String dir : Files.readString(c.resolve("lower")).split(":")) {
        lowers.add(Path.of(dir));
      }
    } catch (java.nio.file.NoSuchFileException e) {
      throw new NotFoundException("no prepared root filesystem for " + key);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the layers of " + key, e);
    }
    return new OverlayChanges(c.resolve("upper"), lowers, ignored).compute();
  }

  @Override
  public long usage(String key) {
    Path upper = root.resolve("containers").resolve(key).resolve("upper");
    if (!Files.isDirectory(upper)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(upper)) {
      return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0;
        }
      }).sum();
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }

  /**
   * Takes the unpacked layers whose chain id is not in {@code liveChainHex} out of use: each is
   * renamed aside (one cheap rename, after which nothing finds it under its chain id, and an
   * unpack of the same layer starts afresh) and returned, for the caller to delete with
   * {@link #deleteRemoved} at leisure. A crash before that leaves them to the next start's
   * clean-up of {@code .tmp-} directories.
   */
  public List<Path> unpublishLayersExcept(Set<String> liveChainHex) {
    List<Path> removed = new ArrayList<>();
    try (Stream<Path> s = Files.list(root.resolve("layers"))) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String name = p.getFileName().toString();
        if (name.startsWith(".") || liveChainHex.contains(name)) {
          continue;
        }
        synchronized (locks.computeIfAbsent(name, k -> new Object())) {
          Path aside = root.resolve("layers").resolve(".tmp-removed-" + UUID.randomUUID());
          Files.move(p, aside, StandardCopyOption.ATOMIC_MOVE);
          removed.add(aside);
        }
      }
      Path links = root.resolve("l");
      if (Files.isDirectory(links)) {
        try (Stream<Path> l = Files.list(links)) {
          for (Path link : (Iterable<Path>) l::iterator) {
            if (!Files.exists(link)) {
              Files.deleteIfExists(link); // its layer is gone
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("removing unused layers", e);
    }
    return removed;
  }

  /** Deletes layers {@link #unpublishLayersExcept} took out of use: the slow part, which blocks nobody. */
  public static void deleteRemoved(List<Path> removed) {
    removed.forEach(LayerApplier::deleteTree);
  }
}
