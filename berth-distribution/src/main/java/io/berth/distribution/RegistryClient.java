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

  /** Layers downloading in this process, so concurrent pulls that share a layer fetch it once. */
  private static final java.util.concurrent.ConcurrentHashMap<Digest, java.util.concurrent.CompletableFuture<Digest>>
      IN_FLIGHT = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The descriptor of the manifest {@code ref} names in its registry and the platforms it serves
   * (a manifest list's entries; a single manifest's config), fetched with this client's credentials.
   */
  public Described describe(Reference ref) {
    if (ref.domain().equals(Reference.DEFAULT_DOMAIN)) {
      throw new UnavailableException("docker.io is not reachable here (no internet registry): "
          + ref.familiarString() + " cannot be resolved to a digest");
    }
    RegistryTransport t = access.transport(ref.domain());
    String base = t.base(ref);
    String tagOrDigest = ref.digest() != null ? ref.digest().toString() : ref.withDefaultTag().tag();
    byte[] bytes = get(t, base + "/manifests/" + tagOrDigest, ACCEPT, MAX_MANIFEST, ref);
    JsonNode manifest = parse(bytes, "manifest");
    List<Described.Platform> platforms = new ArrayList<>();
    if (manifest.has("manifests")) {
      for (JsonNode m : manifest.path("manifests")) {
        JsonNode p = m.path("platform");
        platforms.add(new Described.Platform(p.path("os").asText(), p.path("architecture").asText(),
            p.path("variant").asText("")));
      }
    } else {
      JsonNode config = parse(get(t, base + "/blobs/" + manifest.path("config").path("digest").asText(), "*/*",
          MAX_MANIFEST, ref), "image config");
      platforms.add(new Described.Platform(config.path("os").asText(), config.path("architecture").asText(),
          config.path("variant").asText("")));
    }
    String mediaType = manifest.path("mediaType").asText(manifest.has("manifests") ? MediaTypes.OCI_INDEX
        : MediaTypes.OCI_MANIFEST);
    return new Described(mediaType, Digest.sha256(bytes), bytes.length, platforms);
  }

  public Pulled pull(Reference ref, PullListener listener) {
    return pull(ref, null, listener);
  }

  /**
   * Pulls {@code ref}; from a multi-platform index the entry for {@code platform}
   * ({@code os/arch[/variant]}, default linux/amd64) is chosen. Layers download in parallel.
   */
  public Pulled pull(Reference ref, String platform, PullListener rawListener) {
    return pull(ref, platform, rawListener, null);
  }

  /**
   * Unpacks a layer as soon as it is stored, while the others still download; given the config's
   * diff ids and the layer's index.
   */
  @FunctionalInterface
  public interface Unpacker {
    void unpack(List<Digest> diffIds, int index);
  }

  /** As {@link #pull(Reference, String, PullListener)}, unpacking each new layer with {@code unpacker} (nullable). */
  public Pulled pull(Reference ref, String platform, PullListener rawListener, Unpacker unpacker) {
    PullListener listener = synchronizedListener(rawListener);
    String wanted = platform == null || platform.isBlank() ? "linux/amd64" : platform.strip();
    String[] want = wanted.split("/");
    if (want.length < 2 || want.length > 3) {
      throw new InvalidArgumentException("invalid platform " + wanted + ": expected os/arch[/variant]");
    }
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
      List<String> available = new ArrayList<>();
      for (JsonNode m : manifest.path("manifests")) {
        JsonNode p = m.path("platform");
        String os = p.path("os").asText();
        String arch = p.path("architecture").asText();
        String variant = p.path("variant").asText("");
        available.add(os + "/" + arch + (variant.isEmpty() ? "" : "/" + variant));
        if (chosen == null && os.equals(want[0]) && arch.equals(want[1])
            && (want.length == 2 || variant.equals(want[2]))) {
          chosen = m.path("digest").asText();
        }
      }
      if (chosen == null) {
        throw new NotFoundException("no matching manifest for " + wanted + " in the manifest list entries (the image has "
            + String.join(", ", available) + ")");
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
    List<Digest> diffIds = diffIds(config);
    boolean unpackEarly = unpacker != null && diffIds.size() == manifest.path("layers").size();
    List<java.util.concurrent.Callable<Digest>> jobs = new ArrayList<>();
    java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(access.maxDownloads());
    for (JsonNode l : manifest.path("layers")) {
      int position = jobs.size();
      Digest d = Digest.parse(l.path("digest").asText());
      long size = l.path("size").asLong(-1);
      String id = d.shortHex();
      Optional<Digest> known = index.diffOf(d).filter(content::exists);
      if (known.isPresent()) {
        listener.progress(id, "Already exists", size, size);
        jobs.add(known::get);
        continue;
      }
      listener.progress(id, "Pulling fs layer", 0, size);
      jobs.add(() -> {
        Digest diff;
        slots.acquire();
        try {
          diff = once(d, () -> {
            Digest got = fetchLayer(t, base + "/blobs/" + d, d, size, id, listener, ref);
            index.record(d, got, kindOf(l.path("mediaType").asText()));
            index.seenIn(d, ref.name());
            return got;
          });
        } finally {
          slots.release(); // the next download starts while this layer unpacks
        }
        listener.progress(id, "Download complete", size, size);
        if (unpackEarly && diffIds.get(position).equals(diff)) {
          unpacker.unpack(diffIds, position);
        }
        listener.progress(id, "Pull complete", size, size);
        return diff;
      });
    }
    return new Pulled(config, runAll(jobs), manifestDigest);
  }

  /** Runs the layer jobs on virtual threads; results in manifest order; the first failure wins. */
  private static List<Digest> runAll(List<java.util.concurrent.Callable<Digest>> jobs) {
    try (var exec = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      List<java.util.concurrent.Future<Digest>> futures = new ArrayList<>();
      for (var j : jobs) {
        futures.add(exec.submit(j));
      }
      List<Digest> out = new ArrayList<>();
      for (var f : futures) {
        try {
          out.add(f.get());
        } catch (java.util.concurrent.ExecutionException e) {
          futures.forEach(x -> x.cancel(true));
          if (e.getCause() instanceof RuntimeException re) {
            throw re;
          }
          throw new UnavailableException("pulling a layer: " + e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new UnavailableException("interrupted");
        }
      }
      return out;
    }
  }

  /** Downloads a compressed layer once per process even when several pulls want it at the same time. */
  private static Digest once(Digest compressed, java.util.function.Supplier<Digest> download) throws Exception {
    var mine = new java.util.concurrent.CompletableFuture<Digest>();
    var running = IN_FLIGHT.putIfAbsent(compressed, mine);
    if (running != null) {
      try {
        return running.get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof Exception ex ? ex : new UnavailableException(String.valueOf(e.getCause()));
      }
    }
    try {
      Digest d = download.get();
      mine.complete(d);
      return d;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      IN_FLIGHT.remove(compressed, mine);
    }
  }

  private static LayerIndex.Kind kindOf(String mediaType) {
    if (mediaType.endsWith("gzip")) {
      return LayerIndex.Kind.GZIP;
    }
    return mediaType.endsWith("zstd") ? LayerIndex.Kind.ZSTD : null;
  }

  private static PullListener synchronizedListener(PullListener l) {
    Object lock = new Object();
    return (id, status, current, total) -> {
      synchronized (lock) {
        l.progress(id, status, current, total);
      }
    };
  }

  /** The config's diff ids, or an empty list when it has none that parse (registering the image reports that). */
  private static List<Digest> diffIds(byte[] config) {
    List<Digest> out = new ArrayList<>();
    try {
      for (JsonNode d : parse(config, "image config").path("rootfs").path("diff_ids")) {
        out.add(Digest.parse(d.asText()));
      }
    } catch (RuntimeException e) {
      return List.of();
    }
    return out;
  }

  /** Docker's progress reader reports at most every 100 ms; a line per read would be thousands. */
  private static final long PROGRESS_EVERY_NANOS = 100_000_000L;

  private Digest fetchLayer(RegistryTransport t, String url, Digest expected, long size, String id, PullListener listener, Reference ref) {
    HttpResponse<InputStream> r = send(t, url, "*/*", ref);
    MessageDigest md = Digest.newSha256();
    long[] got = {0};
    long[] reported = {System.nanoTime() - PROGRESS_EVERY_NANOS};
    ResumingBody body = new ResumingBody(r.body(), offset -> {
      HttpResponse<InputStream> again = t.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10))
          .header("Range", "bytes=" + offset + "-").GET(), "repository:" + ref.path() + ":pull",
          HttpResponse.BodyHandlers.ofInputStream());
      if (again.statusCode() != 206 && again.statusCode() != 200) {
        RegistryTransport.discard(again);
        throw new IOException("resuming " + expected + " at byte " + offset + ": registry answered " + again.statusCode());
      }
      return new ResumingBody.Opened(again.body(), again.statusCode() == 206);
    });
    InputStream counted = new FilterInputStream(body) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          got[0] += n;
          long now = System.nanoTime();
          if (now - reported[0] >= PROGRESS_EVERY_NANOS || got[0] == size) {
            reported[0] = now;
            listener.progress(id, "Downloading", got[0], size);
          }
        }
        return n;
      }
    };
    Digest diff;
    // receiving and hashing the compressed bytes on one thread, inflating and storing on another
    try (InputStream in = new ReadAhead(new DigestInputStream(counted, md))) {
      diff = content.ingest(Compression.decompressed(in), null);
      in.transferTo(java.io.OutputStream.nullOutputStream()); // what follows the gzip end is hashed too
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
