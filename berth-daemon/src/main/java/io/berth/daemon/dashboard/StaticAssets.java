package io.berth.daemon.dashboard;

import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The dashboard's files, served from the classpath ({@code io/berth/daemon/dashboard/assets/}
 * in berth-daemon's jar): nothing is fetched from elsewhere at run time, Berth runs offline.
 * Files whose path carries a version (the vendored library under {@code vendor/}, or a name with a
 * version or content hash in it) are cached for a year as immutable; the app's own files must be
 * revalidated ({@code no-cache} with an ETag), so a new berthd's app is seen at once. Files are read
 * once and kept (the whole app is a few hundred KiB).
 */
final class StaticAssets {
  static final String ROOT = "io/berth/daemon/dashboard/assets/";
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
  private static final Pattern VERSIONED = Pattern.compile("(^vendor/.*)|(.*[.-](\\d+\\.\\d+\\.\\d+|[0-9a-f]{8,})[./].*)");
  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("ico", "image/x-icon"),
      Map.entry("json", "application/json"), Map.entry("map", "application/json"), Map.entry("woff2", "font/woff2"),
      Map.entry("txt", "text/plain; charset=utf-8"));

  private record Asset(byte[] bytes, String type, String etag, boolean immutable) {}

  private final String root;
  private final ClassLoader loader;
  private final Map<String, Asset> cache = new ConcurrentHashMap<>();

  StaticAssets() {
    this(ROOT, StaticAssets.class.getClassLoader());
  }

  StaticAssets(String root, ClassLoader loader) {
    this.root = root;
    this.loader = loader;
  }

  /** Serves {@code path} (relative to the assets root); false when there is no such file. */
  boolean serve(String path, HttpRequest q, HttpResponse s) throws IOException {
    if (!SAFE.matcher(path).matches() || path.contains("..") || path.lastIndexOf('.') < path.lastIndexOf('/') + 1) {
      return false;
    }
    Asset a = cache.get(path);
    if (a == null) {
      // misses are not kept: anyone may ask for any name, and the cache must stay the app's size
      Optional<Asset> found = load(path);
      if (found.isEmpty()) {
        return false;
      }
      a = found.get();
      cache.putIfAbsent(path, a);
    }
    s.header("Cache-Control", a.immutable() ? "public, max-age=31536000, immutable" : "no-cache");
    s.header("ETag", a.etag());
    s.header("X-Content-Type-Options", "nosniff");
    String match = q.header("if-none-match");
    if (match != null && match.equals(a.etag())) {
      s.send(304, null, new byte[0]);
      return true;
    }
    s.send(200, a.type(), a.bytes());
    return true;
  }

  private Optional<Asset> load(String path) {
    java.net.URL url = loader.getResource(root + path);
    if (url == null) {
      return Optional.empty();
    }
    try {
      if (isDirectory(url)) {
        return Optional.empty(); // a class loader hands out directories too (a listing, or nothing)
      }
      byte[] bytes;
      try (InputStream in = url.openStream()) {
        bytes = in.readAllBytes();
      }
      int dot = path.lastIndexOf('.');
      String type = TYPES.getOrDefault(dot < 0 ? "" : path.substring(dot + 1), "application/octet-stream");
      String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16) + "\"";
      return Optional.of(new Asset(bytes, type, etag, VERSIONED.matcher(path).matches()));
    } catch (IOException | java.net.URISyntaxException e) {
      return Optional.empty();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static boolean isDirectory(java.net.URL url) throws IOException, java.net.URISyntaxException {
    return switch (url.getProtocol()) {
      case "file" -> !java.nio.file.Files.isRegularFile(java.nio.file.Path.of(url.toURI()));
      case "jar" -> ((java.net.JarURLConnection) url.openConnection()).getJarEntry().isDirectory();
      default -> false;
    };
  }
}
