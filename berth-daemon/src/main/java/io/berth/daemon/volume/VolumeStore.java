package io.berth.daemon.volume;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.store.meta.MetadataStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Named and anonymous volumes of the {@code local} driver: a directory
 * {@code <data-root>/volumes/<name>/_data} plus a record (as the Engine API's Volume object) with
 * labels, driver options and creation time. A volume with driver options (tmpfs, bind, a
 * filesystem) has its {@code _data} mounted while containers use it: {@link #mount} and
 * {@link #unmount} are called by the container side, which knows who uses what.
 */
public final class VolumeStore {
  /** The label Docker puts on volumes it created for a container (image VOLUME, {@code -v /path}). */
  public static final String ANONYMOUS = "com.docker.volume.anonymous";
  private static final String BUCKET = "volumes";
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");
  private final Path root;
  private final MetadataStore meta;
  /** Volume name to the containers that acquired it and have not released it (this daemon's run). */
  private final Map<String, Set<String>> holders = new HashMap<>();

  public VolumeStore(Path root, MetadataStore meta) {
    this.root = root;
    this.meta = meta;
  }

  /** Creates the volume, or returns the existing one of that name (as docker does). */
  public ObjectNode create(String name, Map<String, String> labels, boolean anonymous) {
    return create(name, labels, Map.of(), anonymous);
  }

  /**
   * As above with local driver options ({@code type}, {@code device}, {@code o}), validated here;
   * an existing volume is returned as it is, whatever options were asked for (as Docker does).
   */
  public synchronized ObjectNode create(String name, Map<String, String> labels, Map<String, String> options,
      boolean anonymous) {
    if (name == null || name.isEmpty()) {
      anonymous = true; // as Docker: a volume nobody named is anonymous, whoever created it
      byte[] b = new byte[32];
      new SecureRandom().nextBytes(b);
      name = HexFormat.of().formatHex(b);
    }
    if (!NAME.matcher(name).matches()) {
      throw new InvalidArgumentException("create " + name
          + ": \"" + name + "\" includes invalid characters for a local volume name, only "
          + "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path");
    }
    if (meta.get(BUCKET, name).isPresent()) {
      return inspect(name);
    }
    try {
      LocalVolumeOptions.parse(options);
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException("create " + name + ": " + e.getMessage());
    }
    try {
      Files.createDirectories(dataDir(name));
    } catch (IOException e) {
      throw new UncheckedIOException("creating volume " + name, e);
    }
    ObjectNode v = RecordJson.object();
    v.put("CreatedAt", OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS)
        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    v.put("Driver", "local");
    ObjectNode l = v.putObject("Labels");
    if (labels != null) {
      labels.forEach(l::put);
    }
    if (anonymous) {
      l.put(ANONYMOUS, "");
    }
    v.put("Mountpoint", dataDir(name).toString());
    v.put("Name", name);
    ObjectNode o = v.putObject("Options");
    if (options != null) {
      new java.util.TreeMap<>(options).forEach(o::put);
    }
    v.put("Scope", "local");
    try {
      meta.put(BUCKET, name, RecordJson.MAPPER.writeValueAsBytes(v));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return v;
  }

  public boolean exists(String name) {
    return name != null && NAME.matcher(name).matches() && meta.get(BUCKET, name).isPresent();
  }

  public ObjectNode inspect(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new NotFoundException("get " + name + ": no such volume");
    }
    byte[] data = meta.get(BUCKET, name)
        .orElseThrow(() -> new NotFoundException("get " + name + ": no such volume"));
    try {
      return (ObjectNode) RecordJson.MAPPER.readTree(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<ObjectNode> list() {
    List<ObjectNode> out = new ArrayList<>();
    for (String k : meta.keys(BUCKET)) {
      try {
        out.add(inspect(k));
      } catch (NotFoundException e) {
        // removed while listing
      }
    }
    out.sort((a, b) -> a.path("Name").asText().compareTo(b.path("Name").asText()));
    return out;
  }

  public Path dataDir(String name) {
    return root.resolve(name).resolve("_data");
  }

  public static boolean anonymous(ObjectNode volume) {
    return volume.path("Labels").has(ANONYMOUS);
  }

  /** Removes the volume and its data; refused while {@code inUse} says a container uses it. */
  public void remove(String name, boolean force, Predicate<String> inUse) {
    removeUnused(name, force, n -> inUse.test(n) ? List.of("a container") : List.<String>of());
  }

  /**
   * Removes the volume and its data, refused (409) while {@code users} names containers that
   * use it; with {@code force} a volume that does not exist is no error (as docker volume rm -f).
   */
  public synchronized void removeUnused(String name, boolean force, Function<String, List<String>> users) {
    if (force && !exists(name)) {
      return;
    }
    inspect(name);
    Set<String> refs = new java.util.TreeSet<>(users.apply(name));
    refs.addAll(holders.getOrDefault(name, Set.of()));
    List<String> ids = List.copyOf(refs);
    if (!ids.isEmpty()) {
      throw new ConflictException("remove " + name + ": volume is in use - [" + String.join(", ", ids) + "]");
    }
    // unmount first: deleting through a bind volume would delete the host's files
    LocalVolumeOptions.unmount(dataDir(name));
    meta.delete(BUCKET, name);
    holders.remove(name);
    deleteTree(root.resolve(name));
  }

  /** A volume a container holds: its name (random for an anonymous one) and the directory to bind. */
  public record Use(String name, Path data) {}

  /**
   * Creates the volume if needed, mounts it if it has driver options, and records
   * {@code holder} (a container id) as its user, all at once, so a concurrent prune or rm never
   * takes a volume a starting container is about to mount.
   */
  public synchronized Use acquire(String name, Map<String, String> labels, Map<String, String> options,
      boolean anonymous, String holder) {
    String vname = create(name, labels, options, anonymous).get("Name").asText();
    Path data = mount(vname);
    holders.computeIfAbsent(vname, k -> new HashSet<>()).add(holder);
    return new Use(vname, data);
  }

  /**
   * {@code holder} no longer uses the volume; when nobody holds it and {@code usedElsewhere} (asked
   * under this store's lock) finds no other running user, a volume with driver options is unmounted.
   */
  public synchronized void release(String name, String holder, Predicate<String> usedElsewhere) {
    Set<String> h = holders.get(name);
    if (h != null) {
      h.remove(holder);
      if (!h.isEmpty()) {
        return;
      }
      holders.remove(name);
    }
    if (mountedOnUse(name) && !usedElsewhere.test(name)) {
      LocalVolumeOptions.unmount(dataDir(name));
    }
  }

  /**
   * Makes the volume's data directory ready for a container and returns it: a volume created
   * with driver options is mounted (once; later calls find it mounted).
   */
  public synchronized Path mount(String name) {
    LocalVolumeOptions lo = options(name);
    Path data = dataDir(name);
    try {
      Files.createDirectories(data);
    } catch (IOException e) {
      throw new UncheckedIOException("preparing volume " + name, e);
    }
    if (lo != null) {
      lo.mount(data);
    }
    return data;
  }

  /** Unmounts a volume with driver options (its last user stopped); plain volumes stay as they are. */
  public synchronized void unmount(String name) {
    if (mountedOnUse(name)) {
      LocalVolumeOptions.unmount(dataDir(name));
    }
  }

  /** Whether the volume has driver options (so it is mounted only while used). */
  public boolean mountedOnUse(String name) {
    return exists(name) && !inspect(name).path("Options").isEmpty();
  }

  private LocalVolumeOptions options(String name) {
    Map<String, String> opts = new HashMap<>();
    inspect(name).path("Options").fields().forEachRemaining(e -> opts.put(e.getKey(), e.getValue().asText()));
    return LocalVolumeOptions.parse(opts);
  }

  /** Whether the volume holds no file (a new volume, to be filled from the image). */
  public boolean isEmpty(String name) {
    try (var s = Files.list(dataDir(name))) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException("reading volume " + name, e);
    }
  }

  /** Bytes in the volume's files (hard links counted once), as Docker's disk usage reports. */
  public long size(String name) {
    Path data = dataDir(name);
    if (!Files.isDirectory(data)) {
      return 0;
    }
    long[] total = {0};
    Set<Object> seen = new HashSet<>();
    try {
      Files.walkFileTree(data, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
          if (a.isRegularFile() && (a.fileKey() == null || seen.add(a.fileKey()))) {
            total[0] += a.size();
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path f, IOException e) {
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      return total[0];
    }
    return total[0];
  }

  /** What a prune removed and how many bytes that freed. */
  public record PruneReport(List<String> removed, long reclaimed) {}

  /** Removes every volume {@code select} accepts that no container uses. */
  public synchronized PruneReport prune(Predicate<ObjectNode> select, Function<String, List<String>> users) {
    List<String> removed = new ArrayList<>();
    long bytes = 0;
    for (ObjectNode v : list()) {
      String name = v.get("Name").asText();
      if (select.test(v) && users.apply(name).isEmpty() && holders.getOrDefault(name, Set.of()).isEmpty()) {
        long size = size(name);
        try {
          removeUnused(name, false, users);
        } catch (ConflictException | FailedPreconditionException e) {
          continue;
        }
        removed.add(name);
        bytes += size;
      }
    }
    return new PruneReport(removed, bytes);
  }

  /** Deletes a directory tree, logging instead of failing (used on container removal). */
  public static void deleteTreeQuietly(Path dir) {
    try {
      deleteTree(dir);
    } catch (UncheckedIOException e) {
      org.slf4j.LoggerFactory.getLogger(VolumeStore.class).warn("{}", e.getMessage());
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
          Files.delete(f);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.delete(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("deleting " + dir, e);
    }
  }
}
