package io.berth.distribution;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.errdefs.UnavailableException;
import io.berth.oci.Digest;
import io.berth.oci.Json;
import io.berth.oci.MediaTypes;
import io.berth.oci.Reference;
import io.berth.store.content.ContentStore;
import io.berth.store.image.Image;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.zip.GZIPOutputStream;

/**
 * Pushes an image to a registry over the OCI Distribution API: each layer is gzip-compressed
 * (local layers are kept uncompressed, decision 0005), skipped when the registry already has the
 * blob (HEAD first), otherwise uploaded in one POST + PUT; then the config and a Docker v2.2
 * manifest. Loopback registries over plain HTTP, anonymous, as the puller (rest of issue 3 next).
 */
public final class Pusher {
  /** Result: the manifest digest and size, as docker prints them after a push. */
  public record Pushed(Digest digest, long size) {}

  private final ContentStore content;
  private final Path scratch;
  private final LayerIndex index;

  private final RegistryAccess access;

  public Pusher(ContentStore content, Path scratch, LayerIndex index) {
    this(content, scratch, index, RegistryAccess.ANONYMOUS);
  }

  public Pusher(ContentStore content, Path scratch, LayerIndex index, RegistryAccess access) {
    this.content = content;
    this.scratch = scratch;
    this.index = index;
    this.access = access;
  }

  public Pushed push(Reference ref, Image image, PullListener listener) {
    if (ref.domain().equals(Reference.DEFAULT_DOMAIN)) {
      throw new UnavailableException("pushing to docker.io is not possible here (no internet registry); "
          + "tag the image for a registry you run, e.g. 127.0.0.1:5000/" + ref.path());
    }
    RegistryTransport t = access.transport(ref.domain());
    String scope = "repository:" + ref.path() + ":pull,push";
    String base = t.base(ref);
    ObjectNode manifest = Json.MAPPER.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.DOCKER_MANIFEST);
    ArrayNode layers = manifest.putArray("layers");
    for (Digest layer : image.layers()) {
      String id = layer.shortHex();
      listener.progress(id, "Preparing", 0, 0);
      java.util.Optional<Digest> known = index.compressedOf(layer);
      if (known.isPresent()) {
        long size = blobSize(t, scope, base, known.get());
        if (size >= 0) {
          listener.progress(id, "Layer already exists", size, size);
          layers.addObject().put("mediaType", MediaTypes.DOCKER_LAYER_GZIP).put("size", size)
              .put("digest", known.get().toString());
          continue;
        }
      }
      Path gz = scratch.resolve("push-" + layer.hex() + "-" + System.nanoTime() + ".gz");
      try {
        MessageDigest md = Digest.newSha256();
        try (InputStream in = content.open(layer);
            OutputStream out = new GZIPOutputStream(new DigestOutputStream(Files.newOutputStream(gz), md), 64 * 1024)) {
          in.transferTo(out);
        }
        Digest compressed = Digest.ofSha256(md);
        long size = Files.size(gz);
        index.record(compressed, layer);
        if (exists(t, scope, base, compressed)) {
          listener.progress(id, "Layer already exists", size, size);
        } else {
          upload(t, scope, base, compressed, HttpRequest.BodyPublishers.ofFile(gz));
          listener.progress(id, "Pushed", size, size);
        }
        layers.addObject().put("mediaType", MediaTypes.DOCKER_LAYER_GZIP).put("size", size)
            .put("digest", compressed.toString());
      } catch (IOException e) {
        throw new UnavailableException("pushing layer " + layer + ": " + e.getMessage());
      } finally {
        try {
          Files.deleteIfExists(gz);
        } catch (IOException ignored) {
          // scratch space
        }
      }
    }
    byte[] config;
    try (InputStream in = content.open(image.id())) {
      config = in.readAllBytes();
    } catch (IOException e) {
      throw new UnavailableException("reading config " + image.id() + ": " + e.getMessage());
    }
    if (!exists(t, scope, base, image.id())) {
      upload(t, scope, base, image.id(), HttpRequest.BodyPublishers.ofByteArray(config));
    }
    manifest.putObject("config").put("mediaType", MediaTypes.DOCKER_CONFIG).put("size", config.length)
        .put("digest", image.id().toString());
    byte[] body = Json.bytes(manifest);
    String tag = ref.withDefaultTag().tag();
    HttpResponse<String> r = t.send(HttpRequest.newBuilder(URI.create(base + "/manifests/" + tag))
        .header("Content-Type", MediaTypes.DOCKER_MANIFEST).PUT(HttpRequest.BodyPublishers.ofByteArray(body)), scope,
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201 && r.statusCode() != 200) {
      throw new UnavailableException("registry refused the manifest (" + r.statusCode() + "): " + r.body());
    }
    return new Pushed(Digest.sha256(body), body.length);
  }

  private boolean exists(RegistryTransport t, String scope, String base, Digest d) {
    return blobSize(t, scope, base, d) >= 0;
  }

  /** The registry's size of a blob (HEAD), or -1 when it does not have it. */
  private long blobSize(RegistryTransport t, String scope, String base, Digest d) {
    HttpResponse<String> r = t.send(HttpRequest.newBuilder(URI.create(base + "/blobs/" + d))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()), scope, HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? r.headers().firstValueAsLong("Content-Length").orElse(-1) : -1;
  }

  private void upload(RegistryTransport t, String scope, String base, Digest d, HttpRequest.BodyPublisher body) {
    HttpResponse<String> start = t.send(HttpRequest.newBuilder(URI.create(base + "/blobs/uploads/"))
        .POST(HttpRequest.BodyPublishers.noBody()), scope, HttpResponse.BodyHandlers.ofString());
    String location = start.headers().firstValue("Location").orElse(null);
    if (start.statusCode() == 401 || start.statusCode() == 403) {
      throw new io.berth.errdefs.UnauthorizedException("unauthorized: authentication required to push to "
          + t.domain() + " (docker login " + t.domain() + ")");
    }
    if (start.statusCode() != 202 || location == null) {
      throw new UnavailableException("registry refused an upload (" + start.statusCode() + "): " + start.body());
    }
    URI loc = URI.create(base).resolve(location);
    String sep = loc.getQuery() == null ? "?" : "&";
    HttpResponse<String> put = t.send(HttpRequest.newBuilder(URI.create(loc + sep + "digest=" + d))
        .header("Content-Type", "application/octet-stream").PUT(body), scope, HttpResponse.BodyHandlers.ofString());
    if (put.statusCode() != 201) {
      throw new UnavailableException("registry refused blob " + d + " (" + put.statusCode() + "): " + put.body());
    }
  }
}
