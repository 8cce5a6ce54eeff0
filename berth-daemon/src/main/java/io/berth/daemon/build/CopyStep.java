package io.berth.daemon.build;

import io.berth.build.context.ContextArchive;
import io.berth.build.copy.CopyPlanner;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Digest;
import io.berth.store.content.ContentStore;
import io.berth.store.layer.LayerDiffWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * COPY and ADD without a container: the planned files are laid out in a staging directory at
 * their image paths (owner from {@code --chown}, mode from {@code --chmod}, times kept), and that
 * tree becomes the step's layer. ADD also unpacks local tar archives and downloads URLs. The
 * content hash of what is copied is part of the cache key, so a changed file rebuilds from here.
 */
final class CopyStep {
  private final ContentStore content;

  CopyStep(ContentStore content) {
    this.content = content;
  }

  /** A hash of the planned items (paths, modes, bytes), for the cache key. */
  static String hash(List<CopyPlanner.Item> items) {
    try {
      MessageDigest md = Digest.newSha256(); // OpenSSL's: the JDK's runs slowly under berthd's C1
      for (CopyPlanner.Item i : items) {
        md.update(i.target().getBytes());
        md.update((byte) 0);
        Path p = i.source();
        if (Files.isSymbolicLink(p)) {
          md.update(("link:" + Files.readSymbolicLink(p)).getBytes());
        } else if (Files.isRegularFile(p)) {
          md.update(Integer.toOctalString(perm(p)).getBytes());
          try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
              md.update(buf, 0, n);
            }
          }
        } else {
          md.update(("dir:" + Integer.toOctalString(perm(p))).getBytes());
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Stages the items under {@code staging} and returns the diff id of the resulting layer.
   *
   * @param extract the local tar archives that ADD unpacks (never a downloaded one, as in Docker)
   */
  Digest layer(List<CopyPlanner.Item> items, Path staging, String chown, String chmod,
      java.util.function.Predicate<Path> extract) {
    int[] owner = owner(chown);
    Integer mode = chmod == null ? null : parseMode(chmod);
    for (CopyPlanner.Item i : items) {
      try {
        Path target = staging.resolve(i.target().replaceFirst("^/+", ""));
        Path src = i.source();
        mkdirs(staging, target.getParent(), owner);
        if (Files.isSymbolicLink(src)) {
          Files.deleteIfExists(target);
          Files.createSymbolicLink(target, Files.readSymbolicLink(src));
          Files.setAttribute(target, "unix:uid", owner[0], LinkOption.NOFOLLOW_LINKS);
          Files.setAttribute(target, "unix:gid", owner[1], LinkOption.NOFOLLOW_LINKS);
          continue;
        }
        if (Files.isDirectory(src)) {
          Files.createDirectories(target);
        } else if (extract.test(src) && isTar(src)) {
          Files.createDirectories(target.getParent());
          try (InputStream in = Files.newInputStream(src)) {
            ContextArchive.extract(in, target.getParent());
          }
          continue; // an archive's own owners and modes are kept
        } else {
          Files.copy(src, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
        Files.setAttribute(target, "unix:uid", owner[0]);
        Files.setAttribute(target, "unix:gid", owner[1]);
        if (mode != null) {
          setMode(target, mode);
        }
        Files.setLastModifiedTime(target, Files.getLastModifiedTime(src));
      } catch (IOException e) {
        throw new UncheckedIOException("COPY failed: writing " + i.target(), e);
      }
    }
    return ingest(staging);
  }

  /**
   * ADD of a URL: the body becomes a file named after the URL's last path segment, mode 0600;
   * with {@code checksum} ({@code sha256:<hex>}, ADD --checksum) it must match, hashed as it
   * arrives.
   */
  static Path download(String url, Path dir, String checksum) {
    Digest want = checksum == null ? null : checksum(checksum);
    try {
      HttpResponse<InputStream> r = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
          .send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() != 200) {
        throw new InvalidArgumentException("ADD failed: " + url + " answered " + r.statusCode());
      }
      String name = URI.create(url).getPath().replaceFirst(".*/", "");
      Path f = dir.resolve(name.isEmpty() ? "download" : name);
      Files.createDirectories(dir);
      MessageDigest md = Digest.newSha256();
      try (InputStream in = new java.security.DigestInputStream(r.body(), md)) {
        Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
      }
      Digest got = Digest.ofSha256(md);
      if (want != null && !got.equals(want)) {
        throw new InvalidArgumentException("ADD failed: digest mismatch for " + url + ": expected " + want + ", got " + got);
      }
      setMode(f, 0600);
      return f;
    } catch (IOException e) {
      throw new InvalidArgumentException("ADD failed: cannot download " + url + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InvalidArgumentException("interrupted");
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("ADD failed: invalid URL " + url);
    }
  }

  private static Digest checksum(String checksum) {
    Digest want;
    try {
      want = Digest.parse(checksum);
    } catch (RuntimeException e) {
      throw new InvalidArgumentException("ADD --checksum: invalid digest " + checksum);
    }
    if (!want.algorithm().equals("sha256")) {
      throw new InvalidArgumentException("ADD --checksum: unsupported digest algorithm " + want.algorithm());
    }
    return want;
  }

  private Digest ingest(Path staging) {
    try {
      PipedInputStream in = new PipedInputStream(1 << 20);
      PipedOutputStream out = new PipedOutputStream(in);
      Thread writer = Thread.ofVirtual().start(() -> {
        try (out) {
          LayerDiffWriter.write(staging, out);
        } catch (IOException ignored) {
          // the reader sees a short stream and fails
        }
      });
      Digest d;
      try (InputStream src = in) {
        d = content.ingest(src, null);
      }
      writer.join();
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException("writing the COPY layer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InvalidArgumentException("interrupted");
    }
  }

  private static void mkdirs(Path staging, Path dir, int[] owner) throws IOException {
    if (dir == null || Files.isDirectory(dir)) {
      return;
    }
    mkdirs(staging, dir.getParent(), owner);
    Files.createDirectory(dir);
    setMode(dir, 0755);
  }

  private static boolean isTar(Path p) throws IOException {
    String n = p.getFileName().toString();
    if (n.endsWith(".tar") || n.endsWith(".tar.gz") || n.endsWith(".tgz")) {
      return true;
    }
    try (InputStream in = Files.newInputStream(p)) {
      byte[] head = in.readNBytes(262);
      return head.length == 262 && new String(head, 257, 5).equals("ustar");
    }
  }

  /** {@code --chown=uid[:gid]}; names are not resolved yet (no /etc/passwd lookup in the image). */
  static int[] owner(String chown) {
    if (chown == null || chown.isEmpty()) {
      return new int[] {0, 0};
    }
    String[] p = chown.split(":");
    try {
      int uid = Integer.parseInt(p[0]);
      int gid = p.length > 1 ? Integer.parseInt(p[1]) : uid;
      return new int[] {uid, gid};
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("--chown=" + chown + ": only numeric uid[:gid] is supported for now");
    }
  }

  static int parseMode(String chmod) {
    try {
      int m = Integer.parseInt(chmod, 8);
      if (m < 0 || m > 07777) {
        throw new NumberFormatException();
      }
      return m;
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("invalid --chmod=" + chmod + ": expected an octal mode such as 755");
    }
  }

  private static void setMode(Path p, int mode) throws IOException {
    java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = java.util.EnumSet.noneOf(
        java.nio.file.attribute.PosixFilePermission.class);
    java.nio.file.attribute.PosixFilePermission[] all = java.nio.file.attribute.PosixFilePermission.values();
    for (int i = 0; i < 9; i++) {
      if ((mode & (1 << (8 - i))) != 0) {
        perms.add(all[i]);
      }
    }
    Files.setPosixFilePermissions(p, perms);
  }

  private static int perm(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }
}
