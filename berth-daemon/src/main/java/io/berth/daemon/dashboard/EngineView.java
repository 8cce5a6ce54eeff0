package io.berth.daemon.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.container.ContainerViews;
import io.berth.daemon.image.ImageService;
import io.berth.daemon.network.NetworkManager;
import io.berth.daemon.network.NetworkRecord;
import io.berth.daemon.records.RecordJson;
import io.berth.daemon.volume.VolumeService;
import io.berth.store.image.Image;

/**
 * The engine part of {@code /api/state}: this node's containers, images, volumes and local
 * networks, read through the same services the Engine API's list routes use, in the fields
 * {@code docker ps/images/volume ls/network ls} show.
 */
final class EngineView {
  private final ContainerService containers;
  private final ContainerViews views;
  private final ImageService images;
  private final VolumeService volumes;
  private final NetworkManager networks;

  EngineView(ContainerService containers, ContainerViews views, ImageService images, VolumeService volumes,
      NetworkManager networks) {
    this.containers = containers;
    this.views = views;
    this.images = images;
    this.volumes = volumes;
    this.networks = networks;
  }

  void write(ObjectNode out, ArrayNode networkList) {
    ArrayNode list = out.putArray("containers");
    for (Container c : containers.list()) {
      ObjectNode entry = views.listEntry(c, -1);
      ObjectNode o = list.addObject();
      o.put("ID", c.id);
      o.put("Name", c.name);
      o.put("Image", c.imageName);
      o.put("State", entry.path("State").asText());
      o.put("Status", entry.path("Status").asText());
      if (c.state.health == null) {
        o.putNull("Health");
      } else {
        o.put("Health", c.state.health.status);
      }
      o.set("Ports", entry.path("Ports"));
      o.put("Created", entry.path("Created").asLong());
      JsonNode labels = entry.path("Labels");
      o.set("Labels", labels.isObject() ? labels : RecordJson.object());
    }
    ArrayNode imageList = out.putArray("images");
    for (ImageService.Listed l : images.list(new ImageService.ListQuery(false, null, false, false))) {
      Image i = l.image();
      ObjectNode o = imageList.addObject();
      o.put("ID", i.id().toString());
      ArrayNode tags = o.putArray("Tags");
      i.repoTags().forEach(tags::add);
      o.put("Size", i.size());
      o.put("Created", i.created() == null ? 0 : i.created().getEpochSecond());
    }
    ArrayNode volumeList = out.putArray("volumes");
    for (ObjectNode v : volumes.list(RecordJson.object())) {
      volumeList.addObject().put("Name", v.path("Name").asText()).put("Driver", v.path("Driver").asText())
          .put("Mountpoint", v.path("Mountpoint").asText());
    }
    for (NetworkRecord n : networks.list(RecordJson.object())) {
      networkList.addObject().put("ID", n.id()).put("Name", n.name()).put("Driver", n.driver()).put("Scope", "local")
          .put("Subnet", n.subnet() == null ? "" : n.subnet()).put("Attachable", n.attachable()).put("Ingress", false);
    }
  }
}
