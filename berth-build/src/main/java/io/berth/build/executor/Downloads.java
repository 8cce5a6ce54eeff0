package io.berth.build.executor;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;

/** ADD's URL sources: fetched into the step's scratch directory before they are planned like local files. */
final class Downloads {
  private Downloads() {}

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
      CopyStaging.setMode(f, 0600);
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

}
