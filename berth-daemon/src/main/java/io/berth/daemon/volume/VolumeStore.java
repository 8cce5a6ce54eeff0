package io.berth.daemon.volume;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.api.Json;
import io.berth.errdefs.ConflictException;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Named and anonymous volumes of the {@code local} driver: a directory
 * {@code <data-root>/volumes/<name>/_data} plus a record with labels and creation time.
 */
public final class VolumeStore {
  private static final String BUCKET = "volumes";
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");
  private final Path root;
  private final MetadataStore meta;

  public VolumeStore(Path root, MetadataStore meta) {
    this.root = root;
    this.meta = meta;
  }

  /** Creates the volume, or returns the existing one of that name (as docker does). */
  public synchronized ObjectNode create(String name, Map<String, String> labels, boolean anonymous) {
    if (name == null || name.isEmpty()) {
      byte[] b = new byte[32];
      new SecureRandom().nextBytes(b);
      name = HexFormat.of().formatHex(b);
    }
    if (!NAME.matcher(name).matches()) {
      throw new InvalidArgumentException("create " + name
          + ": \"" + name + "\" includes invalid characters for a local volume name, only "
          + "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path");
    }
    var existing = meta.get(BUCKET, name);
    if (existing.isPresent()) {
      return inspect(name);
    }
    try {
      Files.createDirectories(dataDir(name));
    } catch (IOException e) {
      throw new UncheckedIOException("creating volume " + name, e);
    }
    ObjectNode v = Json.object();
    v.put("Name", name);
    v.put("Driver", "local");
    v.put("Mountpoint", dataDir(name).toString());
    v.put("CreatedAt", Instant.now().toString());
    ObjectNode l = v.putObject("Labels");
    if (labels != null) {
      labels.forEach(l::put);
    }
    if (anonymous) {
      l.put("com.docker.volume.anonymous", "");
    }
    v.put("Scope", "local");
    v.putObject("Options");
    try {
      meta.put(BUCKET, name, Json.MAPPER.writeValueAsBytes(v));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return v;
  }

  public boolean exists(String name) {
    return NAME.matcher(name).matches() && meta.get(BUCKET, name).isPresent();
  }

  public ObjectNode inspect(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new NotFoundException("get " + name + ": no such volume");
    }
    byte[] data = meta.get(BUCKET, name)
        .orElseThrow(() -> new NotFoundException("get " + name + ": no such volume"));
    try {
      return (ObjectNode) Json.MAPPER.readTree(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<ObjectNode> list() {
    List<ObjectNode> out = new ArrayList<>();
    for (String k : meta.keys(BUCKET)) {
      out.add(inspect(k));
    }
    return out;
  }

  public Path dataDir(String name) {
    return root.resolve(name).resolve("_data");
  }

  /** Removes the volume and its data; refused while {@code inUse} says a container uses it. */
  public synchronized void remove(String name, boolean force, Predicate<String> inUse) {
    inspect(name);
    if (inUse.test(name)) {
      throw new ConflictException("remove " + name + ": volume is in use");
    }
    meta.delete(BUCKET, name);
    deleteTree(root.resolve(name));
  }

  public synchronized List<String> prune(boolean all, Predicate<String> inUse) {
    List<String> removed = new ArrayList<>();
    for (ObjectNode v : list()) {
      String name = v.get("Name").asText();
      boolean anonymous = v.path("Labels").has("com.docker.volume.anonymous");
      if ((all || anonymous) && !inUse.test(name)) {
        remove(name, false, inUse);
        removed.add(name);
      }
    }
    return removed;
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
