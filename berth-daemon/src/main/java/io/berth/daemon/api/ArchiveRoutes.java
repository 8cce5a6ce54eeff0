package io.berth.daemon.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.berth.daemon.archive.ArchiveService;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import io.berth.store.snapshot.OverlayChanges;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The container file endpoints: {@code HEAD/GET/PUT /containers/{id}/archive} ({@code docker cp}),
 * {@code GET /containers/{id}/export} and {@code GET /containers/{id}/changes} ({@code docker diff}).
 */
public final class ArchiveRoutes {
  private static final String TAR = "application/x-tar";
  private final ArchiveService archives;

  public ArchiveRoutes(ArchiveService archives) {
    this.archives = archives;
  }

  public void register(Router r) {
    r.add("HEAD", "/containers/{id}/archive", this::stat);
    r.add("GET", "/containers/{id}/archive", this::get);
    r.add("PUT", "/containers/{id}/archive", this::put);
    r.add("GET", "/containers/{id}/export", this::export);
    r.add("GET", "/containers/{id}/changes", this::changes);
  }

  private static String path(HttpRequest q) {
    String p = q.query("path");
    if (p == null || p.isEmpty()) {
      throw new InvalidArgumentException("path is required: give the container path as ?path=");
    }
    return p;
  }

  private void stat(HttpRequest q, HttpResponse s) {
    String header = archives.statHeader(q.param("id"), path(q));
    s.header("X-Docker-Container-Path-Stat", header);
    s.send(200, null, new byte[0]);
  }

  private void get(HttpRequest q, HttpResponse s) throws IOException {
    try (ArchiveService.Archive a = archives.archive(q.param("id"), path(q))) {
      s.header("X-Docker-Container-Path-Stat", a.statHeader());
      try (OutputStream out = s.stream(200, TAR)) {
        a.writeTo(out);
      }
    }
  }

  private void put(HttpRequest q, HttpResponse s) {
    // Docker's default is to allow replacing a directory by a file; the CLI always asks not to
    archives.extract(q.param("id"), path(q), bool(q, "copyUIDGID"), bool(q, "noOverwriteDirNonDir"), q.body());
    s.send(200, null, new byte[0]);
  }

  private void export(HttpRequest q, HttpResponse s) throws IOException {
    try (ArchiveService.Archive a = archives.export(q.param("id")); OutputStream out = s.stream(200, TAR)) {
      a.writeTo(out);
    }
  }

  /** Docker's boolean query values: anything but "", 0, no, false and none is true. */
  static boolean bool(HttpRequest q, String name) {
    String v = q.query(name);
    if (v == null) {
      return false;
    }
    v = v.trim().toLowerCase(java.util.Locale.ROOT);
    return !(v.isEmpty() || v.equals("0") || v.equals("no") || v.equals("false") || v.equals("none"));
  }

  private void changes(HttpRequest q, HttpResponse s) {
    ArrayNode out = Json.array();
    for (OverlayChanges.Change c : archives.changes(q.param("id"))) {
      out.addObject().put("Path", c.path()).put("Kind", c.kind().ordinal());
    }
    Json.send(s, 200, out);
  }
}
