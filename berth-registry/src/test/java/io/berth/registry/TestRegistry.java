package io.berth.registry;

import io.berth.oci.Digest;
import io.berth.registry.auth.Authorizer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** A real registry server on a random loopback port, and a thin HTTP client for the tests. */
final class TestRegistry implements AutoCloseable {
  final RegistryServer server;
  final String base;
  final HttpClient http = HttpClient.newHttpClient();

  TestRegistry(Path storage) throws Exception {
    this(storage, Authorizer.OPEN);
  }

  TestRegistry(Path storage, Authorizer authorizer) throws Exception {
    this(storage, authorizer, Map.of());
  }

  TestRegistry(Path storage, Authorizer authorizer, Map<String, io.berth.http.HttpHandler> extra) throws Exception {
    server = RegistryServer.start(new RegistryConfig("127.0.0.1", 0, storage, null, null, null, false, 4096),
        authorizer, extra);
    base = "http://127.0.0.1:" + server.port();
  }

  HttpResponse<byte[]> send(String method, String path, byte[] body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    b.timeout(java.time.Duration.ofSeconds(30)); // a response the server never finishes fails, not hangs
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> send(String method, String path) throws Exception {
    return send(method, path, null, Map.of());
  }

  /** Monolithic upload; returns the digest. */
  Digest pushBlob(String repo, byte[] content) throws Exception {
    return pushBlob(repo, content, "sha256");
  }

  /** Monolithic upload addressed by {@code algorithm}'s digest; returns it. */
  Digest pushBlob(String repo, byte[] content, String algorithm) throws Exception {
    Digest d = Digest.of(algorithm, content);
    HttpResponse<byte[]> r = send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + d, content,
        Map.of("Content-Type", "application/octet-stream"));
    if (r.statusCode() != 201) {
      throw new AssertionError("push blob: " + r.statusCode() + " " + text(r));
    }
    return d;
  }

  /** An image manifest (OCI) referencing a config and layers; returns the JSON. */
  static String manifest(Digest config, long configSize, Digest... layers) {
    StringBuilder sb = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config
        + "\",\"size\":" + configSize + "},\"layers\":[");
    for (int i = 0; i < layers.length; i++) {
      sb.append(i > 0 ? "," : "").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"")
          .append(layers[i]).append("\",\"size\":1}");
    }
    return sb.append("]}").toString();
  }

  HttpResponse<byte[]> putManifest(String repo, String ref, String json, String type) throws Exception {
    return send("PUT", "/v2/" + repo + "/manifests/" + ref, json.getBytes(StandardCharsets.UTF_8),
        Map.of("Content-Type", type));
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.close();
  }
}
