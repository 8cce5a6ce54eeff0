package io.berth.store.meta;

import io.berth.errdefs.DiskFull;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@link MetadataStore} as one file per record: {@code root/bucket/key}. Writes go to a temp
 * file that is fsynced and renamed over the record, then the directory is fsynced; a write that
 * fails (a full disk: {@link DiskFull}) leaves the old record and no temp file.
 */
public final class FileMetadataStore implements MetadataStore {
  private final Path root;

  public FileMetadataStore(Path root) {
    this.root = root;
  }

  @Override
  public void put(String bucket, String key, byte[] value) {
    Path dir = root.resolve(checked(bucket));
    Path target = dir.resolve(checked(key));
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".tmp-", "");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(value);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      } catch (IOException e) {
        Files.deleteIfExists(tmp); // a full disk leaves no half-written temp file behind
        throw e;
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      }
    } catch (IOException e) {
      throw DiskFull.orUnchecked("writing metadata " + bucket + "/" + key, e);
    }
  }

  @Override
  public Optional<byte[]> get(String bucket, String key) {
    try {
      return Optional.of(Files.readAllBytes(root.resolve(checked(bucket)).resolve(checked(key))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("reading metadata " + bucket + "/" + key, e);
    }
  }

  @Override
  public List<String> keys(String bucket) {
    Path dir = root.resolve(checked(bucket));
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      List<String> out = new ArrayList<>();
      s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).forEach(out::add);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("listing metadata " + bucket, e);
    }
  }

  @Override
  public void delete(String bucket, String key) {
    try {
      Files.deleteIfExists(root.resolve(checked(bucket)).resolve(checked(key)));
    } catch (IOException e) {
      throw new UncheckedIOException("deleting metadata " + bucket + "/" + key, e);
    }
  }

  /**
   * Deletes the temp files of writes a killed process never renamed over their record (the
   * records themselves are whole, old or new); only for the store's sole user before it writes.
   */
  public void removeTempFiles() {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> buckets = Files.list(root)) {
      for (Path bucket : (Iterable<Path>) buckets::iterator) {
        if (!Files.isDirectory(bucket)) {
          continue;
        }
        try (Stream<Path> s = Files.list(bucket)) {
          for (Path p : (Iterable<Path>) s::iterator) {
            if (p.getFileName().toString().startsWith(".tmp-")) {
              Files.deleteIfExists(p);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("removing unfinished metadata writes from " + root, e);
    }
  }

  private static String checked(String name) {
    return MetadataNames.checked(name);
  }
}
