package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.commands.Base;
import io.berth.client.ApiClient;
import io.berth.oci.Digest;
import io.berth.oci.Reference;
import java.io.IOException;
import java.util.Map;

/**
 * A service's image as docker's client sends it: tagged {@code :latest} when it names no tag,
 * then pinned to the digest the registry has for it ({@code GET /distribution/NAME/json}, with
 * the registry credentials when given) so every node runs the same image, with the platforms
 * the image offers as placement platforms. When the registry cannot be asked the tag is sent as
 * is and docker's warning is printed.
 */
final class Images {
  private Images() {}

  /** {@code name:tag} of a {@code name:tag@digest}, as tables show it; a digest-only reference stays whole. */
  static String withoutDigest(String image) {
    try {
      Reference r = Reference.parse(image);
      return r.tag() == null ? image : new Reference(r.domain(), r.path(), r.tag(), null).familiarString();
    } catch (IllegalArgumentException e) {
      return image;
    }
  }

  /** The image with {@code :latest} added when it has neither tag nor digest (unparseable: as given). */
  static String tagged(String image) {
    try {
      return Reference.parse(image).withDefaultTag().familiarString();
    } catch (IllegalArgumentException e) {
      return image;
    }
  }

  /**
   * Pins the task template's image to its registry digest and sets its platforms; when the
   * registry cannot be asked, leaves the (tagged) image as it is and returns docker's warning,
   * which the caller prints after the daemon's answer as docker does (else null).
   */
  static String pin(ApiClient api, ObjectNode taskTemplate, Map<String, String> auth) throws IOException {
    ObjectNode spec = (ObjectNode) taskTemplate.path("ContainerSpec");
    String image = tagged(spec.path("Image").asText());
    spec.put("Image", image);
    JsonNode dist;
    try (ApiClient.Response r = api.send("GET", "/distribution/" + image + "/json", null, null, auth)) {
      dist = r.json();
    } catch (io.berth.client.ApiException e) {
      return digestWarning(image);
    }
    String digest = dist.path("Descriptor").path("digest").asText();
    Reference ref = Reference.parse(image);
    if (ref.digest() == null && !digest.isEmpty()) {
      spec.put("Image", new Reference(ref.domain(), ref.path(), ref.tag(), Digest.parse(digest)).familiarString());
    }
    if (!dist.path("Platforms").isEmpty()) {
      ObjectNode placement = taskTemplate.has("Placement") ? (ObjectNode) taskTemplate.get("Placement")
          : taskTemplate.putObject("Placement");
      var platforms = placement.putArray("Platforms");
      for (JsonNode p : dist.path("Platforms")) {
        // docker drops "arm" (nodes report armv7l and would never match)
        String arch = p.path("architecture").asText();
        ObjectNode o = Base.obj();
        o.put("Architecture", arch.equalsIgnoreCase("arm") ? "" : arch);
        o.put("OS", p.path("os").asText());
        platforms.add(o);
      }
    }
    return null;
  }

  static String digestWarning(String image) {
    return "image " + image + " could not be accessed on a registry to record\nits digest. Each node will access "
        + image + " independently,\npossibly leading to different nodes running different\nversions of the image.\n";
  }
}
