package io.berth.build.java;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.distribution.RegistryTransport;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.errdefs.UnavailableException;
import io.berth.oci.Digest;
import io.berth.oci.ImageConfig;
import io.berth.oci.Json;
import io.berth.oci.MediaTypes;
import io.berth.oci.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The daemonless builder's view of registries: reads a base image (manifest, config, layer
 * descriptors; a multi-platform index picks linux/amd64) and pushes a built image, sending only
 * the blobs the target repository lacks: a HEAD first, a cross-repository mount when the blob is
 * a base layer already in the same registry, an upload otherwise.
 */
public final class RegistryImages {
  private static final String ACCEPT = String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST_LIST,
      MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST);
  private static final Set<String> GZIP_LAYERS = Set.of(MediaTypes.DOCKER_LAYER_GZIP, MediaTypes.OCI_LAYER_GZIP);
  private static final int MAX_MANIFEST = 4 * 1024 * 1024;

  private final Function<String, RegistryTransport> transports;

  /** {@code transports} gives the transport (scheme, credentials) for a registry domain. */
  public RegistryImages(Function<String, RegistryTransport> transports) {
    this.transports = transports;
  }

  /** What a push reports per blob: "Pushed", "Mounted from x", "Layer already exists". */
  @FunctionalInterface
  public interface Listener {
    void blob(Digest digest, String status);
  }

  public BaseImage base(Reference ref, Path cacheDir) {
    RegistryTransport t = transports.apply(ref.domain());
    String pull = "repository:" + ref.path() + ":pull";
    String tagOrDigest = ref.digest() != null ? ref.digest().toString() : ref.withDefaultTag().tag();
    byte[] manifest = fetch(t, t.base(ref) + "/manifests/" + tagOrDigest, ACCEPT, pull, ref);
    JsonNode m = Json.read(manifest, JsonNode.class, "manifest of " + ref);
    if (m.has("manifests")) {
      String chosen = null;
      for (JsonNode e : m.path("manifests")) {
        if (e.path("platform").path("os").asText().equals("linux")
            && e.path("platform").path("architecture").asText().equals("amd64")) {
          chosen = e.path("digest").asText();
          break;
        }
      }
      if (chosen == null) {
        throw new NotFoundException("base image " + ref + " has no linux/amd64 manifest");
      }
      manifest = fetch(t, t.base(ref) + "/manifests/" + chosen, ACCEPT, pull, ref);
      if (!Digest.sha256(manifest).equals(Digest.parse(chosen))) {
        throw new InvalidArgumentException("manifest digest mismatch for " + ref + "@" + chosen);
      }
      m = Json.read(manifest, JsonNode.class, "manifest of " + ref);
    }
    Digest configDigest = Digest.parse(m.path("config").path("digest").asText());
    byte[] configBytes = fetch(t, t.base(ref) + "/blobs/" + configDigest, "*/*", pull, ref);
    if (!Digest.sha256(configBytes).equals(configDigest)) {
      throw new InvalidArgumentException("config digest mismatch for base image " + ref);
    }
    ImageConfig config = Json.read(configBytes, ImageConfig.class, "config of " + ref);
    List<String> diffIds = config.rootfs() == null || config.rootfs().diffIds() == null ? List.of()
        : config.rootfs().diffIds();
    JsonNode layers = m.path("layers");
    if (layers.size() != diffIds.size()) {
      throw new InvalidArgumentException("base image " + ref + " lists " + layers.size() + " layers but its config "
          + diffIds.size() + " diff ids");
    }
    List<BlobSource> out = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      JsonNode l = layers.get(i);
      String mt = l.path("mediaType").asText();
      if (!GZIP_LAYERS.contains(mt)) {
        throw new InvalidArgumentException("base image " + ref + " has a layer of type " + mt
            + "; only gzip layers can be reused as they are");
      }
      out.add(new RemoteBlob(t, ref, MediaTypes.DOCKER_LAYER_GZIP, Digest.parse(l.path("digest").asText()),
          l.path("size").asLong(), Digest.parse(diffIds.get(i)), cacheDir));
    }
    return new BaseImage(ref.toString(), config, out);
  }

  /** Pushes {@code image} to {@code target}'s repository under each tag; returns the manifest digest. */
  public Digest push(BuiltImage image, Reference target, List<String> tags, Listener listener) {
    RegistryTransport t = transports.apply(target.domain());
    String scope = "repository:" + target.path() + ":pull,push";
    String base = t.base(target);
    for (BlobSource l : image.layers()) {
      if (exists(t, scope, base, l.digest())) {
        listener.blob(l.digest(), "Layer already exists");
      } else if (mounted(t, target, l)) {
        listener.blob(l.digest(), "Mounted from " + l.remoteRepository().substring(target.domain().length() + 1));
      } else {
        upload(t, scope, base, l.digest(), l.size(), () -> {
          try {
            return l.open();
          } catch (IOException e) {
            throw new UnavailableException("reading layer " + l.digest() + ": " + e.getMessage());
          }
        });
        listener.blob(l.digest(), "Pushed");
      }
    }
    if (!exists(t, scope, base, image.configDigest())) {
      upload(t, scope, base, image.configDigest(), image.config().length,
          () -> new java.io.ByteArrayInputStream(image.config()));
    }
    byte[] manifest = image.manifest();
    for (String tag : tags) {
      HttpResponse<String> r = t.send(HttpRequest.newBuilder(URI.create(base + "/manifests/" + tag))
          .header("Content-Type", MediaTypes.DOCKER_MANIFEST).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)),
          scope, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 201 && r.statusCode() != 200) {
        throw new UnavailableException("registry refused the manifest for " + target.name() + ":" + tag + " ("
            + r.statusCode() + "): " + r.body());
      }
    }
    return Digest.sha256(manifest);
  }

  private boolean mounted(RegistryTransport t, Reference target, BlobSource l) {
    String remote = l.remoteRepository();
    if (remote == null || !remote.startsWith(target.domain() + "/")) {
      return false;
    }
    String from = remote.substring(target.domain().length() + 1);
    String scope = "repository:" + target.path() + ":pull,push repository:" + from + ":pull";
    HttpResponse<String> r = t.send(HttpRequest.newBuilder(URI.create(t.base(target) + "/blobs/uploads/?mount="
        + l.digest() + "&from=" + from)).POST(HttpRequest.BodyPublishers.noBody()), scope,
        HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 201;
  }

  private static boolean exists(RegistryTransport t, String scope, String base, Digest d) {
    HttpResponse<String> r = t.send(HttpRequest.newBuilder(URI.create(base + "/blobs/" + d))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()), scope, HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200;
  }

  private static void upload(RegistryTransport t, String scope, String base, Digest d, long size,
      java.util.function.Supplier<InputStream> body) {
    HttpResponse<String> start = t.send(HttpRequest.newBuilder(URI.create(base + "/blobs/uploads/"))
        .POST(HttpRequest.BodyPublishers.noBody()), scope, HttpResponse.BodyHandlers.ofString());
    String location = start.headers().firstValue("Location").orElse(null);
    if (start.statusCode() == 401 || start.statusCode() == 403) {
      throw new io.berth.errdefs.UnauthorizedException("unauthorized: " + t.domain() + " refused the push ("
          + start.statusCode() + "); log in with docker login / berth login " + t.domain()
          + ", or set berth.to.auth.username and berth.to.auth.password");
    }
    if (start.statusCode() != 202 || location == null) {
      throw new UnavailableException("registry refused an upload (" + start.statusCode() + "): " + start.body());
    }
    URI loc = URI.create(base).resolve(location);
    String sep = loc.getQuery() == null ? "?" : "&";
    HttpResponse<String> put = t.send(HttpRequest.newBuilder(URI.create(loc + sep + "digest=" + d))
        .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(body), size)),
        scope, HttpResponse.BodyHandlers.ofString());
    if (put.statusCode() != 201) {
      throw new UnavailableException("registry refused blob " + d + " (" + put.statusCode() + "): " + put.body());
    }
  }

  private static byte[] fetch(RegistryTransport t, String url, String accept, String scope, Reference ref) {
    HttpResponse<InputStream> r = t.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).GET(),
        scope, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      if (r.statusCode() == 404) {
        throw new NotFoundException("base image " + ref + " not found in its registry");
      }
      if (r.statusCode() != 200) {
        throw new UnavailableException("registry " + ref.domain() + " answered " + r.statusCode() + " for " + url);
      }
      byte[] b = in.readNBytes(MAX_MANIFEST + 1);
      if (b.length > MAX_MANIFEST) {
        throw new InvalidArgumentException("registry answer for " + url + " is larger than " + MAX_MANIFEST);
      }
      return b;
    } catch (IOException e) {
      throw new UnavailableException("reading " + url + ": " + e.getMessage());
    }
  }
}
