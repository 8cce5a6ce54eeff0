package io.berth.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import io.berth.oci.Digest;
import io.berth.oci.Json;
import io.berth.oci.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.function.Predicate;

/**
 * Manifests by tag or digest (GET/HEAD/PUT/DELETE; a push by digest may name its tags with
 * {@code ?tag=}), tag listing and the catalog with the spec's {@code n}/{@code last} pagination,
 * and the referrers API. A manifest pushed by digest is addressed by that digest's algorithm
 * (sha256 or sha512); one pushed by tag by sha256.
 */
final class ManifestRoutes {
  private final RegistryStorage storage;
  private final long maxManifest;

  ManifestRoutes(RegistryStorage storage, long maxManifest) {
    this.storage = storage;
    this.maxManifest = maxManifest;
  }

  void manifest(HttpRequest q, HttpResponse s, String name, String reference) throws IOException {
    boolean byDigest = reference.contains(":");
    if (!byDigest && !RepositoryName.isTag(reference)) {
      throw RegistryError.tagInvalid(reference);
    }
    switch (q.method()) {
      case "GET", "HEAD" -> get(s, name, reference, byDigest);
      case "PUT" -> put(q, s, name, reference, byDigest);
      case "DELETE" -> {
        boolean gone = byDigest ? storage.deleteManifest(name, BlobRoutes.digest(reference))
            : storage.deleteTag(name, reference);
        if (!gone) {
          throw RegistryError.manifestUnknown(reference);
        }
        s.send(202, null, new byte[0]);
      }
      default -> throw RegistryError.unsupported(q.method() + " on a manifest");
    }
  }

  private void get(HttpResponse s, String name, String reference, boolean byDigest) throws IOException {
    Digest d = byDigest ? BlobRoutes.digest(reference)
        : storage.tag(name, reference).orElseThrow(() -> RegistryError.manifestUnknown(reference));
    String type = storage.manifestType(name, d).orElseThrow(() -> RegistryError.manifestUnknown(reference));
    byte[] body = Files.readAllBytes(storage.blobs().path(d));
    s.header("Docker-Content-Digest", d.toString()).header("ETag", "\"" + d + "\"");
    s.send(200, type, body);
  }

  private void put(HttpRequest q, HttpResponse s, String name, String reference, boolean byDigest) throws IOException {
    byte[] body;
    try (InputStream in = q.body()) {
      body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxManifest + 1));
    }
    if (body.length > maxManifest) {
      throw new RegistryError(413, "SIZE_INVALID", "manifest too big",
          "manifests are limited to " + maxManifest + " bytes");
    }
    List<String> tags = tagParams(q, reference, byDigest);
    Digest d;
    if (byDigest) {
      Digest named = BlobRoutes.digest(reference);
      d = Digest.of(named.algorithm(), body);
      if (!named.equals(d)) {
        throw RegistryError.digestInvalid("the manifest's digest is " + d + ", not " + reference);
      }
    } else {
      d = Digest.sha256(body);
    }
    ManifestCheck.Checked c = ManifestCheck.check(storage, name, body, q.header("content-type"));
    storage.blobs().ingest(new java.io.ByteArrayInputStream(body), d);
    storage.putManifest(name, d, c.mediaType());
    for (String tag : tags) {
      storage.putTag(name, tag, d);
    }
    if (!tags.isEmpty() && byDigest) {
      s.header("OCI-Tag", String.join(", ", tags));
    }
    if (c.subject() != null) {
      storage.addReferrer(name, c.subject(), d);
      s.header("OCI-Subject", c.subject().toString());
    }
    s.header("Location", "/v2/" + name + "/manifests/" + d).header("Docker-Content-Digest", d.toString());
    s.send(201, null, new byte[0]);
  }

  /**
   * The tags a push sets: the reference when it is a tag, or the {@code tag} parameters of a push
   * by digest, all checked before anything is stored.
   */
  private static List<String> tagParams(HttpRequest q, String reference, boolean byDigest) {
    List<String> params = q.queryAll("tag");
    if (!byDigest) {
      if (!params.isEmpty()) {
        throw RegistryError.tagInvalid("tag parameters go with a push by digest, not by tag " + reference);
      }
      return List.of(reference);
    }
    for (String t : params) {
      if (!RepositoryName.isTag(t)) {
        throw RegistryError.tagInvalid(t);
      }
    }
    return List.copyOf(new java.util.LinkedHashSet<>(params));
  }

  void tags(HttpRequest q, HttpResponse s, String name) {
    List<String> tags = storage.tags(name);
    if (tags.isEmpty() && !storage.exists(name)) {
      throw RegistryError.nameUnknown(name);
    }
    ObjectNode body = Json.MAPPER.createObjectNode().put("name", name);
    page(q, s, tags, body.putArray("tags"), "/v2/" + name + "/tags/list");
    s.send(200, "application/json", Json.bytes(body));
  }

  /** The repositories {@code visible} to the caller (those it may pull), a page at a time. */
  void catalog(HttpRequest q, HttpResponse s, Predicate<String> visible) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    page(q, s, storage.repositories().stream().filter(visible).toList(), body.putArray("repositories"), "/v2/_catalog");
    s.send(200, "application/json", Json.bytes(body));
  }

  /** Fills {@code out} with the sorted entries after {@code last}, at most {@code n}; a Link header when more remain. */
  private static void page(HttpRequest q, HttpResponse s, List<String> all, ArrayNode out, String path) {
    String last = q.query("last");
    int n = Integer.MAX_VALUE;
    if (q.query("n") != null) {
      try {
        n = Integer.parseInt(q.query("n"));
      } catch (NumberFormatException e) {
        throw new RegistryError(400, "PAGINATION_NUMBER_INVALID", "invalid number of results requested", q.query("n"));
      }
      if (n < 0) {
        throw new RegistryError(400, "PAGINATION_NUMBER_INVALID", "invalid number of results requested", q.query("n"));
      }
    }
    int count = 0;
    String lastShown = null;
    boolean more = false;
    for (String e : all) {
      if (last != null && e.compareTo(last) <= 0) {
        continue;
      }
      if (count == n) {
        more = true;
        break;
      }
      out.add(e);
      lastShown = e;
      count++;
    }
    if (more && lastShown != null) {
      s.header("Link", "<" + path + "?n=" + n + "&last=" + lastShown + ">; rel=\"next\"");
    }
  }

  void referrers(HttpRequest q, HttpResponse s, String name, String digestText) throws IOException {
    Digest subject = BlobRoutes.digest(digestText);
    String filter = q.query("artifactType");
    ObjectNode index = Json.MAPPER.createObjectNode();
    index.put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode list = index.putArray("manifests");
    for (Digest d : storage.referrers(name, subject)) {
      byte[] body = Files.readAllBytes(storage.blobs().path(d));
      JsonNode m = Json.MAPPER.readTree(body);
      String artifactType = m.path("artifactType").asText(m.path("config").path("mediaType").asText(null));
      if (filter != null && !filter.equals(artifactType)) {
        continue;
      }
      ObjectNode desc = list.addObject();
      desc.put("mediaType", storage.manifestType(name, d).orElse(MediaTypes.OCI_MANIFEST))
          .put("digest", d.toString()).put("size", body.length);
      if (artifactType != null) {
        desc.put("artifactType", artifactType);
      }
      if (m.has("annotations")) {
        desc.set("annotations", m.get("annotations"));
      }
    }
    if (filter != null) {
      s.header("OCI-Filters-Applied", "artifactType");
    }
    s.send(200, MediaTypes.OCI_INDEX, Json.bytes(index));
  }
}
