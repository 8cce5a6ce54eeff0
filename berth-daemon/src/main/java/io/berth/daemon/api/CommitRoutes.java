package io.berth.daemon.api;

import io.berth.daemon.image.ImageService;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import io.berth.store.image.Image;

/** {@code POST /commit} ({@code docker commit}): a container's changes as a new image. */
public final class CommitRoutes {
  private final ImageService images;

  public CommitRoutes(ImageService images) {
    this.images = images;
  }

  public void register(Router r) {
    r.add("POST", "/commit", this::commit);
  }

  private void commit(HttpRequest q, HttpResponse s) {
    Image img = images.commit(q.query("container"), new ImageService.CommitRequest(q.query("repo"), q.query("tag"),
        q.queryAll("changes"), q.query("comment"), q.query("author")));
    Json.send(s, 201, Json.object().put("Id", img.id().toString()));
  }
}
