package io.berth.daemon.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.image.ImageService;
import io.berth.distribution.Described;

/**
 * {@code GET /distribution/{name}/json}: the registry's descriptor of an image. The docker CLI
 * asks it at {@code service create/update} and pins the service to {@code name:tag@digest} with the
 * platforms given; when the registry cannot be asked it warns and keeps the tag, as with Docker.
 */
public final class DistributionRoutes {
  private final ImageService images;

  public DistributionRoutes(ImageService images) {
    this.images = images;
  }

  public void register(Router r) {
    r.add("GET", "/distribution/{name*}/json", (q, s) -> {
      Described d = images.describe(q.param("name"), ImageRoutes.credentials(q));
      ObjectNode o = Json.object();
      o.putObject("Descriptor").put("mediaType", d.mediaType()).put("digest", d.digest().toString())
          .put("size", d.size());
      ArrayNode platforms = o.putArray("Platforms");
      for (Described.Platform p : d.platforms()) {
        ObjectNode po = platforms.addObject().put("architecture", p.architecture()).put("os", p.os());
        if (!p.variant().isEmpty()) {
          po.put("variant", p.variant());
        }
      }
      Json.send(s, 200, o);
    });
  }
}
