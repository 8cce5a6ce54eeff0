package io.berth.registry;

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
 * DELETE, and cross-repository mount.
 */
final class BlobRoutes {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
  private static final Pattern CONTENT_RANGE = Pattern.compile("(?:bytes )?(\\d+)-(\\d+)(?:/\\d+|/\\*)?");
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
        Long start = null;
        String cr = q.header("content-range");
        if (cr != null) {
          Matcher m = CONTENT_RANGE.matcher(cr.strip());
          if (!m.matches()) {
            throw RegistryError.rangeInvalid("malformed Content-Range " + cr);
          }
          start = Long.parseLong(m.group(1));
        }
        progress(s, name, id, uploads.append(name, id, q.body(), start), 202);
      }
      case "PUT" -> {
        Digest d = digest(required(q, "digest"));
        uploads.finish(name, id, q.body(), d);
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
      String id = uploads.start(name);
      uploads.finish(name, id, q.body(), d);
      created(s, name, d);
      return;
    }
    String id = uploads.start(name);
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

  static Digest digest(String text) {
    try {
      Digest d = Digest.parse(text);
      if (!d.algorithm().equals("sha256")) {
        throw RegistryError.digestInvalid("only sha256 digests are supported: " + text);
      }
      return d;
    } catch (io.berth.errdefs.InvalidArgumentException e) {
      throw RegistryError.digestInvalid("malformed digest " + text);
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
