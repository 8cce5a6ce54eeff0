package io.berth.registry;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import io.berth.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blob reads (GET/HEAD with Range), deletes, and the upload protocol: monolithic POST, sessions
 * with chunked PATCH (Content-Range checked), status GET, final PUT with the digest, cancel
 * DELETE, and cross-repository mount. Digests may be sha256 or sha512, as the OCI specs allow;
 * any other algorithm is DIGEST_INVALID.
 */
final class BlobRoutes {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
  private static final Pattern CONTENT_RANGE = Pattern.compile("(?:bytes )?(\\d{1,18})-(\\d{1,18})(?:/\\d+|/\\*)?");
  /** The distribution spec's digest grammar: what is a digest at all, known algorithm or not. */
  private static final Pattern DIGEST_GRAMMAR = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");
  private final RegistryStorage storage;
  private final Uploads uploads;

  BlobRoutes(RegistryStorage storage, Uploads uploads) {
    this.storage = storage;
    this.uploads = uploads;
  }

  void blob(HttpRequest q, HttpResponse s, String name, String digestText) throws IOException {
    Digest d = digest(digestText);
    if (q.method().equals("DELETE")) {
      if (!storage.unlinkBlob(name, d)) {
        throw RegistryError.blobUnknown(d.toString());
      }
      s.send(202, null, new byte[0]);
      return;
    }
    RegistryHandler.method(q, "GET");
    if (!storage.hasBlob(name, d)) {
      throw RegistryError.blobUnknown(d.toString());
    }
    Path file = storage.blobs().path(d);
    try (FileChannel ch = FileChannel.open(file)) {
      long size = ch.size();
      long from = 0;
      long to = size - 1;
      String range = q.header("range");
      s.header("Docker-Content-Digest", d.toString()).header("Accept-Ranges", "bytes")
          .header("ETag", "\"" + d + "\"").header("Cache-Control", "max-age=31536000");
      if (range != null) {
        Matcher m = RANGE.matcher(range.strip());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
          s.header("Content-Range", "bytes */" + size);
          throw RegistryError.rangeInvalid("malformed Range " + range);
        }
        if (m.group(1).isEmpty()) { // suffix: the last N bytes
          from = Math.max(0, size - Long.parseLong(m.group(2)));
        } else {
          from = Long.parseLong(m.group(1));
          to = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
        }
        if (from >= size || from > to) {
          s.header("Content-Range", "bytes */" + size);
          throw RegistryError.rangeInvalid("range " + range + " outside 0-" + (size - 1));
        }
        s.header("Content-Range", "bytes " + from + "-" + to + "/" + size);
      }
      long length = to - from + 1;
      s.sendFile(range != null ? 206 : 200, "application/octet-stream", ch, from, Math.max(length, 0));
    }
  }

  void upload(HttpRequest q, HttpResponse s, String name, String id) {
    if (id == null) {
      RegistryHandler.method(q, "POST");
      start(q, s, name);
      return;
    }
    switch (q.method()) {
      case "GET", "HEAD" -> progress(s, name, id, uploads.size(name, id), 204);
      case "PATCH" -> {
        Long start = chunkStart(q);
        long size;
        try {
          size = uploads.append(name, id, q.body(), start);
        } catch (RegistryError e) {
          throw whereItStands(s, name, id, e);
        }
        progress(s, name, id, size, 202);
      }
      case "PUT" -> {
        Digest d = digest(required(q, "digest"));
        Long start = chunkStart(q);
        try {
          uploads.finish(name, id, q.body(), start, d);
        } catch (RegistryError e) {
          throw whereItStands(s, name, id, e);
        }
        created(s, name, d);
      }
      case "DELETE" -> {
        uploads.size(name, id); // 404 when unknown
        uploads.cancel(name, id);
        s.send(204, null, new byte[0]);
      }
      default -> throw RegistryError.unsupported(q.method() + " on an upload");
    }
  }

  /** Where a chunk says it starts (its Content-Range), or null when it does not say. */
  private static Long chunkStart(HttpRequest q) {
    String cr = q.header("content-range");
    if (cr == null) {
      return null;
    }
    Matcher m = CONTENT_RANGE.matcher(cr.strip());
    if (!m.matches() || Long.parseLong(m.group(2)) < Long.parseLong(m.group(1))) {
      throw RegistryError.rangeInvalid("malformed Content-Range " + cr);
    }
    return Long.parseLong(m.group(1));
  }

  /**
   * A 416 (chunk out of order) also says where the upload stands, as the status request would,
   * so the client can go on from the real offset; the refusal itself is returned to be thrown.
   */
  private RegistryError whereItStands(HttpResponse s, String name, String id, RegistryError e) {
    if (e.status() == 416) {
      s.header("Location", "/v2/" + name + "/blobs/uploads/" + id).header("Docker-Upload-UUID", id)
          .header("Range", "0-" + Math.max(uploads.size(name, id) - 1, 0));
    }
    return e;
  }

  private void start(HttpRequest q, HttpResponse s, String name) {
    String mount = q.query("mount");
    String from = q.query("from");
    if (mount != null && from != null) {
      Digest d = digest(mount);
      if (storage.hasBlob(RepositoryName.check(from), d)) {
        storage.linkBlob(name, d);
        created(s, name, d);
        return;
      }
      // not mountable: the spec says to fall back to a new upload session
    }
    String single = q.query("digest");
    if (single != null) {
      Digest d = digest(single);
      String id = uploads.start(name, d.algorithm());
      uploads.finish(name, id, q.body(), null, d);
      created(s, name, d);
      return;
    }
    String algorithm = q.query("digest-algorithm");
    if (algorithm != null) {
      checkAlgorithm(algorithm, "digest-algorithm=" + algorithm);
    }
    String id = uploads.start(name, algorithm);
    progress(s, name, id, 0, 202);
  }

  private static void progress(HttpResponse s, String name, String id, long size, int status) {
    s.header("Location", "/v2/" + name + "/blobs/uploads/" + id).header("Docker-Upload-UUID", id)
        .header("Range", "0-" + Math.max(size - 1, 0));
    s.send(status, null, new byte[0]);
  }

  private static void created(HttpResponse s, String name, Digest d) {
    s.header("Location", "/v2/" + name + "/blobs/" + d).header("Docker-Content-Digest", d.toString());
    s.send(201, null, new byte[0]);
  }

  /** A digest from the request: sha256 or sha512; anything else is DIGEST_INVALID saying why. */
  static Digest digest(String text) {
    int colon = text.indexOf(':');
    if (!DIGEST_GRAMMAR.matcher(text).matches()) {
      throw RegistryError.digestInvalid("malformed digest " + text);
    }
    checkAlgorithm(text.substring(0, colon), text);
    try {
      return Digest.parse(text);
    } catch (InvalidArgumentException e) {
      throw RegistryError.digestInvalid("malformed " + text.substring(0, colon) + " digest " + text);
    }
  }

  private static void checkAlgorithm(String algorithm, String what) {
    if (!Digest.supported(algorithm)) {
      throw RegistryError.digestInvalid("unsupported digest algorithm " + algorithm + " (" + what
          + "): this registry takes " + String.join(" and ", Digest.ALGORITHMS));
    }
  }

  private static String required(HttpRequest q, String param) {
    String v = q.query(param);
    if (v == null || v.isEmpty()) {
      throw RegistryError.digestInvalid("the " + param + " query parameter is required");
    }
    return v;
  }
}
