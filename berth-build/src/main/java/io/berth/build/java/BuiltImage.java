package io.berth.build.java;

import io.berth.oci.Digest;
import io.berth.oci.Json;
import io.berth.oci.MediaTypes;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A finished image before it goes anywhere: config bytes and every layer (base and
 * application). The Docker v2.2 manifest is derived from them, so equal inputs give an equal
 * manifest digest.
 */
public record BuiltImage(byte[] config, List<BlobSource> layers) {
  public Digest configDigest() {
    return Digest.sha256(config);
  }

  /** The image id docker shows: the config digest. */
  public String id() {
    return configDigest().toString();
  }

  public byte[] manifest() {
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.DOCKER_MANIFEST);
    m.putObject("config").put("mediaType", MediaTypes.DOCKER_CONFIG).put("size", config.length)
        .put("digest", configDigest().toString());
    ArrayNode layers = m.putArray("layers");
    for (BlobSource l : this.layers) {
      layers.addObject().put("mediaType", MediaTypes.DOCKER_LAYER_GZIP).put("size", l.size())
          .put("digest", l.digest().toString());
    }
    return Json.bytes(m);
  }
}
