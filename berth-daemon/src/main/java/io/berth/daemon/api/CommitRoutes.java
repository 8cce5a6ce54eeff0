package io.berth.daemon.api;

import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.events.EventBus;
import io.berth.daemon.image.ImageCommitter;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import io.berth.oci.ContainerConfig;
import io.berth.store.image.Image;
import io.berth.store.image.ImportChanges;
import java.util.Map;

/** {@code POST /commit} ({@code docker commit}): a container's changes as a new image. */
public final class CommitRoutes {
  private final ContainerService containers;
  private final ImageCommitter committer;
  private final EventBus events;
  private final io.berth.store.image.ImageReader images;

  public CommitRoutes(ContainerService containers, io.berth.store.image.ImageReader images, ImageCommitter committer,
      EventBus events) {
    this.images = images;
    this.containers = containers;
    this.committer = committer;
    this.events = events;
  }

  public void register(Router r) {
    r.add("POST", "/commit", this::commit);
  }

  private void commit(HttpRequest q, HttpResponse s) {
    Container c = containers.get(q.query("container"));
    String repo = q.query("repo");
    String tag = q.query("tag");
    String name = repo == null || repo.isEmpty() ? null : repo + (tag == null || tag.isEmpty() ? "" : ":" + tag);
    ContainerConfig base = committerBase(c);
    ContainerConfig cfg = ImportChanges.apply(base == null ? ContainerConfig.empty() : base, q.queryAll("changes"));
    Image img = committer.commit(c, cfg, "", q.query("comment"), q.query("author"), name);
    events.publish("container", "commit", c.id, Map.of("comment", q.query("comment") == null ? "" : q.query("comment")));
    Json.send(s, 201, Json.object().put("Id", img.id().toString()));
  }

  /** The committed image keeps the run-time settings of the container's image. */
  private ContainerConfig committerBase(Container c) {
    return images.resolve(c.imageId).config().config();
  }
}
