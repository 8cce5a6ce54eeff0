package io.berth.registry;

import io.berth.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * Blob uploads in progress. A session is a directory under {@code uploads/} holding the bytes
 * received so far, the repository it belongs to and, when the client announced one, the digest
 * algorithm it will finish with; it survives a registry restart, so a client resumes with PATCH
 * from the offset the status request reports. Nothing becomes a blob until the final PUT whose
 * digest matches every byte; a failed or cancelled session is deleted.
 */
final class Uploads {
  private static final Pattern ID = Pattern.compile("[0-9a-f-]{36}");
  private final RegistryStorage storage;
  private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  /**
   * The digest of each session's bytes so far, kept while chunks arrive in order, so the final PUT
   * need not read the whole upload again; dropped when a chunk fails (the PUT then rehashes).
   */
  private final ConcurrentHashMap<String, Running> running = new ConcurrentHashMap<>();

  /**
   * Abandoned sessions stay until the offline garbage collector removes them; past this many
   * running digests new sessions are simply hashed at their PUT, so memory stays bounded.
   */
  private static final int MAX_RUNNING = 256;

  /** A digest over the first {@code length} bytes of an upload. */
  private static final class Running {
    final String algorithm;
    final MessageDigest md;
    long length;

    Running(String algorithm) {
      this.algorithm = algorithm;
      this.md = Digest.hasher(algorithm);
    }
  }

  Uploads(RegistryStorage storage) {
    this.storage = storage;
  }

  /**
   * Opens a session. {@code algorithm} (sha256 when null) is what the running digest uses: the
   * one the final PUT is expected to name, so that it need not read the upload again.
   */
  String start(String repo, String algorithm) {
    String id = UUID.randomUUID().toString();
    Path dir = storage.uploads().resolve(id);
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("repository"), repo);
      if (algorithm != null && !algorithm.equals("sha256")) {
        Files.writeString(dir.resolve("algorithm"), algorithm);
      }
      Files.createFile(dir.resolve("data"));
    } catch (IOException e) {
      throw new UncheckedIOException("starting upload", e);
    }
    return id;
  }

  /** Bytes received so far; the session must belong to {@code repo}. */
  long size(String repo, String id) {
    Path dir = session(repo, id);
    try {
      return Files.size(dir.resolve("data"));
    } catch (IOException e) {
      throw RegistryError.uploadUnknown(id);
    }
  }

  /**
   * Appends a chunk. {@code start} (from Content-Range), when given, must be where the session
   * ends; otherwise the chunk is out of order: 416, nothing is read or changed, and the session
   * goes on from where it is.
   */
  long append(String repo, String id, InputStream body, Long start) {
    ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
    lock.lock();
    try {
      Path dir = session(repo, id);
      Path data = dir.resolve("data");
      long size = Files.size(data);
      if (start != null && start != size) {
        throw RegistryError.chunkOutOfOrder("the chunk starts at byte " + start + " but the upload has "
            + size + " bytes: send the chunk starting at byte " + size);
      }
      Running r = running.remove(id);
      if (r == null && size == 0 && running.size() < MAX_RUNNING) {
        r = new Running(algorithm(dir));
      } else if (r != null && r.length != size) {
        r = null;
      }
      Running hashing = r;
      try (OutputStream file = Files.newOutputStream(data, StandardOpenOption.APPEND);
          OutputStream out = hashing == null ? file : new HashingOutput(file, hashing)) {
        body.transferTo(out);
      } catch (IOException e) {
        // what arrived before the connection broke stays: the client resumes from the status
        throw new UncheckedIOException("receiving upload " + id, e);
      }
      if (hashing != null) {
        running.put(id, hashing);
      }
      return Files.size(data);
    } catch (IOException e) {
      throw new UncheckedIOException("upload " + id, e);
    } finally {
      lock.unlock();
      locks.remove(id, lock);
    }
  }

  /** The algorithm announced when the session started; sha256 when none was. */
  private static String algorithm(Path dir) throws IOException {
    Path f = dir.resolve("algorithm");
    return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8).strip() : "sha256";
  }

  /**
   * Appends the last chunk (which, like a PATCH, must start where the upload ends when
   * {@code start} is given), checks the whole upload against {@code expected} by its algorithm
   * and moves it into the content store. On a mismatch the session is dropped and nothing is
   * stored; an out-of-order last chunk leaves the session as it was.
   */
  void finish(String repo, String id, InputStream lastChunk, Long start, Digest expected) {
    append(repo, id, lastChunk, start);
    Path dir = session(repo, id);
    Path data = dir.resolve("data");
    Digest actual = digestOf(id, data, expected.algorithm());
    if (!actual.equals(expected)) {
      cancel(repo, id);
      throw RegistryError.digestInvalid("expected " + expected + ", got " + actual);
    }
    storage.adopt(data, actual);
    storage.linkBlob(repo, actual);
    cancel(repo, id);
  }

  /**
   * The running digest when it is of {@code algorithm} and covers every byte of the upload, else
   * one read of the file.
   */
  private Digest digestOf(String id, Path data, String algorithm) {
    Running r = running.remove(id);
    try {
      if (r != null && r.algorithm.equals(algorithm) && r.length == Files.size(data)) {
        return Digest.of(algorithm, r.md);
      }
      MessageDigest md = Digest.hasher(algorithm);
      try (InputStream in = new DigestInputStream(Files.newInputStream(data), md)) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      return Digest.of(algorithm, md);
    } catch (IOException e) {
      throw new UncheckedIOException("reading upload " + id, e);
    }
  }

  /** Hashes only what the file accepted: a failed write leaves the digest short, never ahead. */
  private static final class HashingOutput extends java.io.FilterOutputStream {
    private final Running r;

    HashingOutput(OutputStream out, Running r) {
      super(out);
      this.r = r;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      r.md.update((byte) b);
      r.length++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      r.md.update(b, off, len);
      r.length += len;
    }

    @Override
    public void close() {
      // the file is closed by its own try-with-resources entry
    }
  }

  void cancel(String repo, String id) {
    running.remove(id);
    Path dir = session(repo, id);
    try (var s = Files.list(dir)) {
      for (Path p : s.toList()) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("removing upload " + id, e);
    }
  }

  private Path session(String repo, String id) {
    if (!ID.matcher(id).matches()) {
      throw RegistryError.uploadUnknown(id);
    }
    Path dir = storage.uploads().resolve(id);
    try {
      if (!Files.readString(dir.resolve("repository"), StandardCharsets.UTF_8).equals(repo)) {
        throw RegistryError.uploadUnknown(id);
      }
    } catch (IOException e) {
      throw RegistryError.uploadUnknown(id);
    }
    return dir;
  }
}
