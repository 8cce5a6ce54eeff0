package io.berth.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.oci.Digest;
import io.berth.oci.Json;
import io.berth.oci.MediaTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks a pushed manifest before it is stored: a known media type that agrees with the body,
 * valid JSON of schema version 2, well-formed descriptors, and every blob (config, layers) or
 * child manifest (indexes) it references already in the repository, so that a tag never points
 * at something a pull could not fetch.
 */
final class ManifestCheck {
  static final Set<String> IMAGE = Set.of(MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST);
  static final Set<String> INDEX = Set.of(MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST_LIST);

  /** What the registry keeps about a valid manifest. */
  record Checked(String mediaType, Digest subject, String artifactType, JsonNode annotations) {}

  private ManifestCheck() {}

  static Checked check(RegistryStorage storage, String repo, byte[] body, String contentType) {
    JsonNode m;
    try {
      m = Json.MAPPER.readTree(body);
    } catch (Exception e) {
      throw RegistryError.manifestInvalid("not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (m == null || !m.isObject()) {
      throw RegistryError.manifestInvalid("a manifest is a JSON object");
    }
    if (m.path("schemaVersion").asInt(-1) != 2) {
      throw RegistryError.manifestInvalid("schemaVersion must be 2");
    }
    String declared = m.path("mediaType").asText(null);
    String type = mediaType(contentType, declared, m);
    if (declared != null && !declared.equals(type)) {
      throw RegistryError.manifestInvalid("mediaType " + declared + " does not match Content-Type " + contentType);
    }
    List<Digest> needed = new ArrayList<>();
    if (IMAGE.contains(type)) {
      needed.add(descriptor(m.path("config"), "config"));
      if (!m.path("layers").isArray()) {
        throw RegistryError.manifestInvalid("layers must be an array");
      }
      for (JsonNode l : m.path("layers")) {
        Digest d = descriptor(l, "layer");
        if (!l.has("urls")) { // foreign layers live elsewhere by design
          needed.add(d);
        }
      }
      for (Digest d : needed) {
        if (!storage.hasBlob(repo, d)) {
          throw RegistryError.manifestBlobUnknown(d.toString());
        }
      }
    } else {
      if (!m.path("manifests").isArray()) {
        throw RegistryError.manifestInvalid("manifests must be an array");
      }
      for (JsonNode child : m.path("manifests")) {
        Digest d = descriptor(child, "manifest");
        if (storage.manifestType(repo, d).isEmpty()) {
          throw RegistryError.manifestBlobUnknown(d.toString());
        }
      }
    }
    Digest subject = m.has("subject") ? descriptor(m.path("subject"), "subject") : null;
    String artifactType = m.path("artifactType").asText(null);
    if (artifactType == null && IMAGE.contains(type)) {
      artifactType = m.path("config").path("mediaType").asText(null);
    }
    return new Checked(type, subject, artifactType, m.get("annotations"));
  }

  /** The media type: Content-Type when it names a manifest, else the body's own field. */
  private static String mediaType(String contentType, String declared, JsonNode m) {
    String ct = contentType == null ? null : contentType.split(";")[0].strip();
    if (ct != null && (IMAGE.contains(ct) || INDEX.contains(ct))) {
      return ct;
    }
    boolean generic = ct == null || ct.isEmpty() || ct.equals("application/json") || ct.equals("application/octet-stream");
    if (!generic) {
      throw RegistryError.manifestInvalid("unsupported manifest media type " + ct);
    }
    if (declared != null && (IMAGE.contains(declared) || INDEX.contains(declared))) {
      return declared;
    }
    if (m.has("config") && m.has("layers")) {
      return MediaTypes.OCI_MANIFEST;
    }
    if (m.has("manifests")) {
      return MediaTypes.OCI_INDEX;
    }
    throw RegistryError.manifestInvalid("unsupported manifest media type " + (ct != null ? ct : declared));
  }

  private static Digest descriptor(JsonNode d, String what) {
    if (!d.isObject() || !d.path("digest").isTextual() || !d.path("size").canConvertToLong()
        || !d.path("mediaType").isTextual()) {
      throw RegistryError.manifestInvalid(what + " descriptor needs mediaType, digest and size");
    }
    try {
      return Digest.parse(d.path("digest").asText());
    } catch (RuntimeException e) {
      throw RegistryError.manifestInvalid(what + " has an invalid digest " + d.path("digest").asText());
    }
  }
}
