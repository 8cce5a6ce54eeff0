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
import io.berth.store.layer.GzipEncoding;
import io.berth.store.layer.ParallelGzipOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Pushes an image to a registry over the OCI Distribution API. Local layers are kept
 * uncompressed (decision 0005), so each is compressed here, gzip (a Docker v2.2 manifest; on all
 * cores, encoded as {@link GzipEncoding} picks from the layer's first MiB) or zstd (an OCI manifest),
 * deterministically so that a re-push finds the same digest. A layer is compressed straight
 * into its upload (a chunked PATCH, as Docker's), and the final PUT names the digest; when that
 * stream breaks, the same bytes are made again and only what the registry lacks is sent. A layer the
 * registry already has is not sent (HEAD first, with the blob remembered from an earlier pull or
 * push, so the layer is not even compressed again). Layers go up five at a time, as Docker's
 * max-concurrent-uploads; then the config and the manifest.
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
    return push(ref, image, LayerIndex.Kind.GZIP, listener);
  }

  /** A layer as the manifest lists it. */
  private record Layer(String mediaType, long size, Digest digest) {}

  public Pushed push(Reference ref, Image image, LayerIndex.Kind compression, PullListener rawListener) {
    if (ref.domain().equals(Reference.DEFAULT_DOMAIN)) {
      throw new UnavailableException("pushing to docker.io is not possible here (no internet registry); "
          + "tag the image for a registry you run, e.g. 127.0.0.1:5000/" + ref.path());
    }
    Object lock = new Object();
    PullListener listener = (id, status, cur, total) -> {
      synchronized (lock) {
        rawListener.progress(id, status, cur, total);
      }
    };
    RegistryTransport t = access.transport(ref.domain());
    String scope = "repository:" + ref.path() + ":pull,push";
    String base = t.base(ref);
    boolean zstd = compression == LayerIndex.Kind.ZSTD;
    Semaphore slots = new Semaphore(access.maxUploads());
    List<Callable<Layer>> jobs = new ArrayList<>();
    for (Digest layer : image.layers()) {
      listener.progress(layer.shortHex(), "Preparing", 0, 0);
      jobs.add(() -> {
        slots.acquire();
        try {
          return pushLayer(t, scope, base, layer, compression, listener);
        } finally {
          slots.release();
        }
      });
    }
    List<Layer> layers = runAll(jobs);
    byte[] config;
    try (InputStream in = content.open(image.id())) {
      config = in.readAllBytes();
    } catch (IOException e) {
      throw new UnavailableException("reading config " + image.id() + ": " + e.getMessage());
    }
    if (!exists(t, scope, base, image.id())) {
      upload(t, scope, base, image.id(), HttpRequest.BodyPublishers.ofByteArray(config));
    }
    ObjectNode manifest = Json.MAPPER.createObjectNode();
    manifest.put("schemaVersion", 2);
    String manifestType = zstd ? MediaTypes.OCI_MANIFEST : MediaTypes.DOCKER_MANIFEST;
    manifest.put("mediaType", manifestType);
    manifest.putObject("config").put("mediaType", zstd ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG)
        .put("size", config.length).put("digest", image.id().toString());
    ArrayNode list = manifest.putArray("layers");
    for (Layer l : layers) {
      list.addObject().put("mediaType", l.mediaType()).put("size", l.size()).put("digest", l.digest().toString());
    }
    byte[] body = Json.bytes(manifest);
    String tag = ref.withDefaultTag().tag();
    HttpResponse<String> r = t.send(HttpRequest.newBuilder(URI.create(base + "/manifests/" + tag))
        .header("Content-Type", manifestType).PUT(HttpRequest.BodyPublishers.ofByteArray(body)), scope,
        HttpResponse.BodyHandlers.ofString());
    io.berth.errdefs.BerthException refused = PushRefusal.of(r, t.domain());
    if (refused != null) {
      throw refused;
    }
    if (r.statusCode() != 201 && r.statusCode() != 200) {
      throw new UnavailableException("registry refused the manifest (" + r.statusCode() + "): " + r.body());
    }
    return new Pushed(Digest.sha256(body), body.length);
  }

  private Layer pushLayer(RegistryTransport t, String scope, String base, Digest layer, LayerIndex.Kind kind,
      PullListener listener) {
    String id = layer.shortHex();
    String mediaType = kind == LayerIndex.Kind.ZSTD ? MediaTypes.OCI_LAYER_ZSTD : MediaTypes.DOCKER_LAYER_GZIP;
    Optional<Digest> known = index.compressedOf(layer, kind);
    if (known.isPresent()) {
      long size = blobSize(t, scope, base, known.get());
      if (size >= 0) {
        listener.progress(id, "Layer already exists", size, size);
        return new Layer(mediaType, size, known.get());
      }
      Optional<String> from = index.seenIn(known.get()).filter(r -> r.startsWith(t.domain() + "/"))
          .map(r -> r.substring(t.domain().length() + 1)).filter(r -> !base.endsWith("/v2/" + r));
      if (from.isPresent() && mount(t, base, known.get(), from.get())) {
        long mounted = blobSize(t, scope, base, known.get());
        listener.progress(id, "Mounted from " + from.get(), mounted, mounted);
        index.seenIn(known.get(), t.domain() + base.substring(base.indexOf("/v2/") + 3));
        return new Layer(mediaType, mounted, known.get());
      }
    }
    URI session = startUpload(t, scope, base);
    Streamed streamed = stream(t, scope, session, layer, kind, id, listener);
    Digest compressed;
    long size;
    if (streamed != null) {
      compressed = streamed.digest();
      size = streamed.size();
    } else {
      // the stream broke: compress again into a file (the same bytes) and send what the registry lacks
      Path file = scratch.resolve("push-" + layer.hex() + "-" + System.nanoTime() + (kind == LayerIndex.Kind.ZSTD
          ? ".zst" : ".gz"));
      try {
        Files.createDirectories(scratch);
        MessageDigest md = Digest.newSha256();
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), md)) {
          compress(layer, kind, out, n -> { });
        }
        compressed = Digest.ofSha256(md);
        size = Files.size(file);
        uploadFile(t, scope, base, compressed, file, session);
      } catch (IOException e) {
        throw new UnavailableException("pushing layer " + layer + ": " + e.getMessage());
      } finally {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // scratch space
        }
      }
    }
    index.record(compressed, layer, kind);
    index.seenIn(compressed, t.domain() + base.substring(base.indexOf("/v2/") + 3));
    listener.progress(id, "Pushed", size, size);
    return new Layer(mediaType, size, compressed);
  }

  /** A layer compressed straight into its upload. */
  private record Streamed(Digest digest, long size) {}

  /** Docker's progress reader reports at most every 100 ms. */
  private static final long PROGRESS_EVERY_NANOS = 100_000_000L;

  /**
   * Compresses the layer straight into the upload session (one chunked PATCH), hashing as it
   * goes, then names the digest in the final PUT: the upload runs alongside the compression and
   * nothing goes through the disk. Progress counts the layer's uncompressed bytes, as Docker's.
   * Returns null when the stream broke; the session keeps what arrived.
   */
  private Streamed stream(RegistryTransport t, String scope, URI session, Digest layer, LayerIndex.Kind kind,
      String id, PullListener listener) {
    long total = content.size(layer);
    long[] reported = {System.nanoTime()};
    listener.progress(id, "Pushing", 0, total);
    MessageDigest md = Digest.newSha256();
    long[] size = {0};
    PipedInputStream pipe = new PipedInputStream(1 << 20);
    CompletableFuture<Void> produced = new CompletableFuture<>();
    try {
      PipedOutputStream sink = new PipedOutputStream(pipe);
      Thread.ofVirtual().name("push-compress").start(() -> {
        try (OutputStream out = new DigestOutputStream(counting(sink, size), md)) {
          compress(layer, kind, out, read -> {
            long now = System.nanoTime();
            if (now - reported[0] >= PROGRESS_EVERY_NANOS) {
              reported[0] = now;
              listener.progress(id, "Pushing", read, total);
            }
          });
          produced.complete(null);
        } catch (Throwable e) {
          produced.completeExceptionally(e);
        }
      });
    } catch (IOException e) {
      throw new UnavailableException("pushing layer " + layer + ": " + e.getMessage());
    }
    HttpResponse<String> r = null;
    try {
      r = t.send(HttpRequest.newBuilder(session).header("Content-Type", "application/octet-stream")
          .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> pipe)), scope,
          HttpResponse.BodyHandlers.ofString());
    } catch (UnavailableException e) {
      // the connection broke: resumed below
    } finally {
      try {
        pipe.close(); // a compressor still writing fails instead of waiting for a reader
      } catch (IOException ignored) {
        // nothing to release
      }
    }
    try {
      produced.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (r != null && r.statusCode() == 202) { // the PATCH ended because the layer could not be read
        throw new UnavailableException("pushing layer " + layer + ": " + e.getCause().getMessage());
      }
      return null;
    }
    if (r == null || r.statusCode() != 202) {
      return null;
    }
    Digest compressed = Digest.ofSha256(md);
    URI at = next(session, r);
    String sep = at.getQuery() == null ? "?" : "&";
    HttpResponse<String> put = t.send(HttpRequest.newBuilder(URI.create(at + sep + "digest=" + compressed))
        .PUT(HttpRequest.BodyPublishers.noBody()), scope, HttpResponse.BodyHandlers.ofString());
    if (put.statusCode() != 201) {
      throw new UnavailableException("registry refused blob " + compressed + " (" + put.statusCode() + "): " + put.body());
    }
    return new Streamed(compressed, size[0]);
  }

  /** Compresses a stored layer into {@code out}; {@code read} hears how many uncompressed bytes went in. */
  private void compress(Digest layer, LayerIndex.Kind kind, OutputStream out, java.util.function.LongConsumer read)
      throws IOException {
    try (InputStream in = content.open(layer)) {
      byte[] sample = in.readNBytes(GzipEncoding.SAMPLE);
      try (OutputStream z = compressor(out, kind, kind == LayerIndex.Kind.ZSTD ? null : GzipEncoding.choose(sample))) {
        z.write(sample);
        long done = sample.length;
        byte[] buf = new byte[256 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
          z.write(buf, 0, n);
          done += n;
          read.accept(done);
        }
      }
    }
  }

  private static OutputStream counting(OutputStream out, long[] count) {
    return new java.io.FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        count[0] += len;
      }

      @Override
      public void write(int b) throws IOException {
        out.write(b);
        count[0]++;
      }
    };
  }

  /** gzip without a timestamp in blocks on every core, or zstd level 3: both give the same bytes every time. */
  private static OutputStream compressor(OutputStream out, LayerIndex.Kind kind, GzipEncoding gzip) throws IOException {
    if (kind == LayerIndex.Kind.ZSTD) {
      return new com.github.luben.zstd.ZstdOutputStream(out, 3);
    }
    return new ParallelGzipOutputStream(out, gzip);
  }

  private static List<Layer> runAll(List<Callable<Layer>> jobs) {
    try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Layer>> futures = new ArrayList<>();
      jobs.forEach(j -> futures.add(exec.submit(j)));
      List<Layer> out = new ArrayList<>();
      for (Future<Layer> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          futures.forEach(x -> x.cancel(true));
          if (e.getCause() instanceof RuntimeException re) {
            throw re;
          }
          throw new UnavailableException("pushing a layer: " + e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new UnavailableException("interrupted");
        }
      }
      return out;
    }
  }

  /** Cross-repository mount: 201 means the registry linked the blob from {@code from}, no bytes sent. */
  private static boolean mount(RegistryTransport t, String base, Digest d, String from) {
    String repo = base.substring(base.indexOf("/v2/") + 4);
    String scope = "repository:" + repo + ":pull,push repository:" + from + ":pull";
    HttpResponse<String> r = t.send(HttpRequest.newBuilder(URI.create(base + "/blobs/uploads/?mount=" + d + "&from="
        + from)).POST(HttpRequest.BodyPublishers.noBody()), scope, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 202) {
      // not mountable: the registry opened an upload session instead; close it
      r.headers().firstValue("Location").ifPresent(loc -> t.send(HttpRequest.newBuilder(URI.create(base).resolve(loc))
          .DELETE(), scope, HttpResponse.BodyHandlers.discarding()));
    }
    return r.statusCode() == 201;
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

  /**
   * A layer upload that survives a broken connection: the bytes go in one PATCH; when it breaks,
   * the upload's status says how much the registry kept ({@code Range: 0-N}) and the next PATCH
   * sends the rest ({@code Content-Range}); the final PUT names the digest.
   */
  private void uploadFile(RegistryTransport t, String scope, String base, Digest d, Path file, URI session)
      throws IOException {
    URI loc = session;
    long size = Files.size(file);
    long offset = -1; // unknown: ask the session first
    for (int attempt = 0; ; attempt++) {
      if (offset < 0) {
        // where does the registry stand? resume from there
        HttpResponse<String> status = t.send(HttpRequest.newBuilder(loc).GET(), scope, HttpResponse.BodyHandlers.ofString());
        String range = status.headers().firstValue("Range").orElse("0-0");
        long kept = status.statusCode() == 204 ? Long.parseLong(range.substring(range.indexOf('-') + 1)) + 1 : 0;
        if (status.statusCode() != 204 || range.equals("0-0") || kept > size) {
          loc = startUpload(t, scope, base); // nothing usable kept (or unknowable): a fresh session
          kept = 0;
        } else {
          loc = next(loc, status);
        }
        offset = kept;
      }
      long from = offset;
      if (from == size) {
        break;
      }
      try {
        HttpResponse<String> r = t.send(HttpRequest.newBuilder(loc).header("Content-Type", "application/octet-stream")
            .header("Content-Range", from + "-" + (size - 1)).method("PATCH", HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> slice(file, from)), size - from)), scope,
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 202) {
          loc = next(loc, r);
          break;
        }
        if (r.statusCode() != 416 || attempt >= 3) {
          throw new UnavailableException("registry refused blob " + d + " (" + r.statusCode() + "): " + r.body());
        }
      } catch (UnavailableException e) {
        if (attempt >= 3) {
          throw e;
        }
      }
      offset = -1;
    }
    String sep = loc.getQuery() == null ? "?" : "&";
    HttpResponse<String> put = t.send(HttpRequest.newBuilder(URI.create(loc + sep + "digest=" + d))
        .PUT(HttpRequest.BodyPublishers.noBody()), scope, HttpResponse.BodyHandlers.ofString());
    if (put.statusCode() != 201) {
      throw new UnavailableException("registry refused blob " + d + " (" + put.statusCode() + "): " + put.body());
    }
  }

  private static InputStream slice(Path file, long from) {
    try {
      InputStream in = Files.newInputStream(file);
      in.skipNBytes(from);
      return in;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static URI next(URI current, HttpResponse<?> r) {
    return r.headers().firstValue("Location").map(current::resolve).orElse(current);
  }

  private static URI startUpload(RegistryTransport t, String scope, String base) {
    HttpResponse<String> start = t.send(HttpRequest.newBuilder(URI.create(base + "/blobs/uploads/"))
        .POST(HttpRequest.BodyPublishers.noBody()), scope, HttpResponse.BodyHandlers.ofString());
    String location = start.headers().firstValue("Location").orElse(null);
    io.berth.errdefs.BerthException refused = PushRefusal.of(start, t.domain());
    if (refused != null) {
      throw refused;
    }
    if (start.statusCode() != 202 || location == null) {
      throw new UnavailableException("registry refused an upload (" + start.statusCode() + "): " + start.body());
    }
    return URI.create(base).resolve(location);
  }

  private void upload(RegistryTransport t, String scope, String base, Digest d, HttpRequest.BodyPublisher body) {
    URI loc = startUpload(t, scope, base);
    String sep = loc.getQuery() == null ? "?" : "&";
    HttpResponse<String> put = t.send(HttpRequest.newBuilder(URI.create(loc + sep + "digest=" + d))
        .header("Content-Type", "application/octet-stream").PUT(body), scope, HttpResponse.BodyHandlers.ofString());
    if (put.statusCode() != 201) {
      throw new UnavailableException("registry refused blob " + d + " (" + put.statusCode() + "): " + put.body());
    }
  }
}
