package io.berth.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.errdefs.UnavailableException;
import io.berth.oci.Digest;
import io.berth.oci.Json;
import io.berth.oci.MediaTypes;
import io.berth.oci.Reference;
import io.berth.store.content.ContentStore;
import io.berth.store.layer.Compression;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pulls images over the OCI Distribution API: resolves the tag (an index picks linux/amd64),
 * fetches config and layers, verifies every byte against its digest while streaming, and stores
 * layers uncompressed in the content store (decision 0005). Anonymous bearer tokens are fetched
 * when the registry asks for them. Plain HTTP is used only for loopback registries; others need
 * TLS (registry TLS options and credentials come with the rest of issue 3).
 */
public final class RegistryClient {
  private static final String ACCEPT = String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST_LIST,
      MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST);
  private static final long MAX_MANIFEST = 4L * 1024 * 1024;
  private final ContentStore content;
  private final LayerIndex index;

  private final RegistryAccess access;

  public RegistryClient(ContentStore content, LayerIndex index) {
    this(content, index, RegistryAccess.ANONYMOUS);
  }

  public RegistryClient(ContentStore content, LayerIndex index, RegistryAccess access) {
    this.content = content;
    this.index = index;
    this.access = access;
  }

  public Pulled pull(Reference ref, PullListener listener) {
    if (ref.domain().equals(Reference.DEFAULT_DOMAIN)) {
      throw new UnavailableException("pulling from docker.io is not possible here (no internet registry); "
          + "use a registry on this host, e.g. 127.0.0.1:5000/" + ref.path());
    }
    RegistryTransport t = access.transport(ref.domain());
    String base = t.base(ref);
    String tagOrDigest = ref.digest() != null ? ref.digest().toString() : ref.withDefaultTag().tag();
    byte[] manifestBytes = get(t, base + "/manifests/" + tagOrDigest, ACCEPT, MAX_MANIFEST, ref);
    Digest manifestDigest = Digest.sha256(manifestBytes);
    if (ref.digest() != null && !ref.digest().equals(manifestDigest)) {
      throw new InvalidArgumentException("manifest digest mismatch: asked for " + ref.digest() + ", got " + manifestDigest);
    }
    JsonNode manifest = parse(manifestBytes, "manifest");
    if (manifest.has("manifests")) {
      String chosen = null;
      for (JsonNode m : manifest.path("manifests")) {
        JsonNode p = m.path("platform");
        if (p.path("os").asText().equals("linux") && p.path("architecture").asText().equals("amd64")) {
          chosen = m.path("digest").asText();
          break;
        }
      }
      if (chosen == null) {
        throw new NotFoundException("no matching manifest for linux/amd64 in the manifest list entries");
      }
      manifestBytes = get(t, base + "/manifests/" + chosen, ACCEPT, MAX_MANIFEST, ref);
      manifestDigest = Digest.sha256(manifestBytes);
      if (!manifestDigest.equals(Digest.parse(chosen))) {
        throw new InvalidArgumentException("manifest digest mismatch for " + chosen);
      }
      manifest = parse(manifestBytes, "manifest");
    }
    Digest configDigest = Digest.parse(manifest.path("config").path("digest").asText());
    byte[] config = get(t, base + "/blobs/" + configDigest, "*/*", MAX_MANIFEST, ref);
    if (!Digest.sha256(config).equals(configDigest)) {
      throw new InvalidArgumentException("config digest mismatch: expected " + configDigest);
    }
    List<Digest> layers = new ArrayList<>();
    for (JsonNode l : manifest.path("layers")) {
      Digest d = Digest.parse(l.path("digest").asText());
      long size = l.path("size").asLong(-1);
      String id = d.shortHex();
      Optional<Digest> known = index.diffOf(d).filter(content::exists);
      if (known.isPresent()) {
        listener.progress(id, "Already exists", size, size);
        layers.add(known.get());
        continue;
      }
      listener.progress(id, "Pulling fs layer", 0, size);
      Digest diff = fetchLayer(t, base + "/blobs/" + d, d, size, id, listener, ref);
      index.record(d, diff);
      layers.add(diff);
      listener.progress(id, "Pull complete", size, size);
    }
    return new Pulled(config, layers, manifestDigest);
  }

  private Digest fetchLayer(RegistryTransport t, String url, Digest expected, long size, String id, PullListener listener, Reference ref) {
    HttpResponse<InputStream> r = send(t, url, "*/*", ref);
    MessageDigest md = Digest.newSha256();
    long[] got = {0};
    InputStream counted = new FilterInputStream(r.body()) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          got[0] += n;
          listener.progress(id, "Downloading", got[0], size);
        }
        return n;
      }
    };
    Digest diff;
    try (InputStream in = new DigestInputStream(counted, md)) {
      diff = content.ingest(Compression.decompressed(in), null);
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new UnavailableException("downloading " + expected + ": " + e.getMessage());
    }
    Digest actual = Digest.ofSha256(md);
    if (!actual.equals(expected)) {
      content.delete(diff);
      throw new InvalidArgumentException("layer digest mismatch: expected " + expected + ", got " + actual);
    }
    return diff;
  }

  private byte[] get(RegistryTransport t, String url, String accept, long max, Reference ref) {
    HttpResponse<InputStream> r = send(t, url, accept, ref);
    try (InputStream in = r.body()) {
      byte[] b = in.readNBytes((int) max + 1);
      if (b.length > max) {
        throw new InvalidArgumentException("registry answer for " + url + " is larger than " + max + " bytes");
      }
      return b;
    } catch (IOException e) {
      throw new UnavailableException("reading " + url + ": " + e.getMessage());
    }
  }

  private HttpResponse<InputStream> send(RegistryTransport t, String url, String accept, Reference ref) {
    HttpResponse<InputStream> r = t.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10))
        .header("Accept", accept).GET(), "repository:" + ref.path() + ":pull", HttpResponse.BodyHandlers.ofInputStream());
    int status = r.statusCode();
    if (status == 404) {
      RegistryTransport.discard(r);
      throw new NotFoundException("manifest for " + ref.familiarString() + " not found: manifest unknown");
    }
    if (status == 401 || status == 403) {
      RegistryTransport.discard(r);
      throw new UnavailableException("pull access denied for " + ref.repository()
          + ", repository does not exist or may require 'docker login'");
    }
    if (status >= 300) {
      RegistryTransport.discard(r);
      throw new UnavailableException("registry " + ref.domain() + " answered " + status + " for " + url);
    }
    return r;
  }

  private static JsonNode parse(byte[] b, String what) {
    return Json.read(b, JsonNode.class, what);
  }
}
