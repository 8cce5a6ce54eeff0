package io.berth.store.content;

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
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@link ContentStore} on the file system: {@code root/blobs/sha256/<hex>}, written through a
 * temp file in {@code root/ingest} that is hashed while written and renamed into place only when
 * the digest matches.
 */
public final class FileContentStore implements ContentStore {
  private static final Pattern HEX = Pattern.compile("[a-f0-9]{64}");
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
      MessageDigest md = Digest.newSha256();
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), md)) {
        in.transferTo(out);
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true); // a blob that is visible must survive a crash
      }
      Digest actual = Digest.ofSha256(md);
      if (expected != null && !expected.equals(actual)) {
        throw new InvalidArgumentException("digest mismatch: expected " + expected + ", got " + actual);
      }
      Path target = path(actual);
      if (!Files.exists(target)) {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      }
      return actual;
    } catch (IOException e) {
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

  @Override
  public Path path(Digest digest) {
    return root.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
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
    try (Stream<Path> s = Files.list(root.resolve("blobs/sha256"))) {
      s.map(p -> p.getFileName().toString()).filter(n -> HEX.matcher(n).matches())
          .forEach(n -> out.add(new Digest("sha256", n)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
