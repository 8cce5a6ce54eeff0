package io.berth.store.content;

import io.berth.errdefs.DiskFull;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@link ContentStore} on the file system: {@code root/blobs/<algorithm>/<hex>}, written through a
 * temp file in {@code root/ingest} that is hashed while written and renamed into place only when
 * the digest matches. Berth's own content is sha256; {@code blobs/sha512} appears only when
 * content addressed by sha512 is stored (the registry accepts it, as the OCI specs allow).
 */
public final class FileContentStore implements ContentStore {
  private final Path root;

  public FileContentStore(Path root) {
    this.root = root;
    try {
      Files.createDirectories(root.resolve("blobs/sha256"));
      Files.createDirectories(root.resolve("ingest"));
    } catch (IOException e) {
      throw new UncheckedIOException("creating content store at " + root, e);
    }
  }

  /**
   * Copies in blocks of up to 64 KiB: layers are hundreds of MiB, and each block is a write and a
   * hash update through a native call (transferTo's 16 KiB made ten thousand of each per 160 MiB).
   */
  static void copy(InputStream in, OutputStream out) throws IOException {
    byte[] buf = new byte[64 * 1024];
    for (int n; (n = in.read(buf)) >= 0; ) {
      if (n > 0) {
        out.write(buf, 0, n);
      }
    }
  }

  @Override
  public Digest ingest(InputStream in, Digest expected) {
    if (expected != null && exists(expected)) {
      try {
        in.transferTo(OutputStream.nullOutputStream());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return expected;
    }
    Path tmp = null;
    try {
      tmp = Files.createTempFile(root.resolve("ingest"), "blob-", "");
      // content is checked by the algorithm it is addressed with; unaddressed content is sha256
      String algorithm = expected != null ? expected.algorithm() : "sha256";
      MessageDigest md = Digest.hasher(algorithm);
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), md)) {
        copy(in, out);
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true); // a blob that is visible must survive a crash
      }
      Digest actual = Digest.of(algorithm, md);
      if (expected != null && !expected.equals(actual)) {
        throw new InvalidArgumentException("digest mismatch: expected " + expected + ", got " + actual);
      }
      Path target = path(actual);
      if (!Files.exists(target)) {
        Files.createDirectories(target.getParent()); // blobs/sha256 exists; another algorithm's on first use
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      }
      return actual;
    } catch (IOException e) {
      if (DiskFull.is(e)) {
        throw DiskFull.orUnchecked("storing blob", e);
      }
      throw new UncheckedIOException("storing blob: " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  /**
   * Deletes the temp files of ingests a killed process never finished; returns the bytes freed.
   * Only for the store's sole user before it stores anything, since a running ingest's file
   * would go too.
   */
  public long removeIngests() {
    long freed = 0;
    try (Stream<Path> s = Files.list(root.resolve("ingest"))) {
      for (Path tmp : (Iterable<Path>) s::iterator) {
        freed += Files.size(tmp);
        Files.delete(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("removing unfinished ingests from " + root.resolve("ingest"), e);
    }
    return freed;
  }

  @Override
  public boolean exists(Digest digest) {
    return Files.exists(path(digest));
  }

  @Override
  public long size(Digest digest) {
    try {
      return Files.size(path(digest));
    } catch (IOException e) {
      throw new NotFoundException("blob " + digest + " not found");
    }
  }

  @Override
  public InputStream open(Digest digest) {
    try {
      return Files.newInputStream(path(digest));
    } catch (IOException e) {
      throw new NotFoundException("blob " + digest + " not found");
    }
  }

  /** Where the blob's file is (or would be): for readers that need a file, such as the registry. */
  public Path path(Digest digest) {
    return root.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
  }

  /**
   * Stores {@code file}, whose bytes the caller verified against {@code digest} as it wrote them,
   * by moving it into place (on this store's file system: no copy). The file is gone afterwards;
   * when the blob was stored already it is left for the caller to delete.
   */
  public void adopt(Path file, Digest digest) {
    Path target = path(digest);
    try {
      if (!Files.exists(target)) {
        Files.createDirectories(target.getParent());
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw DiskFull.orUnchecked("storing blob " + digest, e);
    }
  }

  @Override
  public void delete(Digest digest) {
    try {
      Files.deleteIfExists(path(digest));
    } catch (IOException e) {
      throw new UncheckedIOException("deleting blob " + digest, e);
    }
  }

  @Override
  public List<Digest> list() {
    List<Digest> out = new ArrayList<>();
    for (String algorithm : Digest.ALGORITHMS) {
      Path dir = root.resolve("blobs").resolve(algorithm);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> s = Files.list(dir)) {
        s.map(p -> p.getFileName().toString()).forEach(n -> {
          try {
            out.add(new Digest(algorithm, n));
          } catch (InvalidArgumentException notABlob) {
            // a stray file is not content
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }
}
