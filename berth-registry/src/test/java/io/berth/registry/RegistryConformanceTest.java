package io.berth.registry;

import static io.berth.registry.TestRegistry.manifest;
import static io.berth.registry.TestRegistry.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.oci.Digest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The OCI Distribution conformance workflows (pull, push, content discovery, content management)
 * against a real server over HTTP, each checked by status, headers and what is then readable.
 */
class RegistryConformanceTest extends RegistryServerTest {
  @Test
  void versionCheck() throws Exception {
    HttpResponse<byte[]> r = reg.send("GET", "/v2/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Docker-Distribution-API-Version")).hasValue("registry/2.0");
  }

  @Test
  void monolithicPushThenPullWithRanges() throws Exception {
    byte[] blob = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    Digest d = reg.pushBlob("team/app", blob);
    HttpResponse<byte[]> head = reg.send("HEAD", "/v2/team/app/blobs/" + d);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(16);
    assertThat(head.headers().firstValue("Docker-Content-Digest")).hasValue(d.toString());
    assertThat(reg.send("GET", "/v2/team/app/blobs/" + d).body()).isEqualTo(blob);
    HttpResponse<byte[]> part = reg.send("GET", "/v2/team/app/blobs/" + d, null, Map.of("Range", "bytes=4-7"));
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(text(part)).isEqualTo("4567");
    assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 4-7/16");
    HttpResponse<byte[]> tail = reg.send("GET", "/v2/team/app/blobs/" + d, null, Map.of("Range", "bytes=-3"));
    assertThat(text(tail)).isEqualTo("def");
    HttpResponse<byte[]> bad = reg.send("GET", "/v2/team/app/blobs/" + d, null, Map.of("Range", "bytes=20-30"));
    assertThat(bad.statusCode()).isEqualTo(416);
    assertThat(bad.headers().firstValue("Content-Range")).hasValue("bytes */16");
    // another repository does not see the blob until it is pushed or mounted there
    assertThat(reg.send("HEAD", "/v2/other/blobs/" + d).statusCode()).isEqualTo(404);
  }

  @Test
  void anEmptyBlobIsServedCompletely() throws Exception {
    Digest d = reg.pushBlob("team/app", new byte[0]);
    // twice on one connection: the empty body must not leave the headers unsent
    for (int i = 0; i < 2; i++) {
      HttpResponse<byte[]> r = reg.send("GET", "/v2/team/app/blobs/" + d);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEmpty();
      assertThat(r.headers().firstValueAsLong("Content-Length")).hasValue(0);
    }
  }

  @Test
  void chunkedUploadResumesFromTheReportedOffset() throws Exception {
    byte[] blob = new byte[10_000];
    Arrays.fill(blob, (byte) 7);
    blob[9_999] = 1;
    Digest d = Digest.sha256(blob);
    HttpResponse<byte[]> start = reg.send("POST", "/v2/team/app/blobs/uploads/");
    assertThat(start.statusCode()).isEqualTo(202);
    String location = start.headers().firstValue("Location").orElseThrow();
    assertThat(start.headers().firstValue("Docker-Upload-UUID")).isPresent();
    HttpResponse<byte[]> p1 = reg.send("PATCH", location, Arrays.copyOfRange(blob, 0, 4000),
        Map.of("Content-Range", "0-3999", "Content-Type", "application/octet-stream"));
    assertThat(p1.statusCode()).isEqualTo(202);
    assertThat(p1.headers().firstValue("Range")).hasValue("0-3999");
    // a chunk that does not continue where the upload is: refused, nothing appended
    HttpResponse<byte[]> gap = reg.send("PATCH", location, Arrays.copyOfRange(blob, 5000, 6000),
        Map.of("Content-Range", "5000-5999"));
    assertThat(gap.statusCode()).isEqualTo(416);
    // "the connection broke": the client asks where to resume
    HttpResponse<byte[]> status = reg.send("GET", location);
    assertThat(status.statusCode()).isEqualTo(204);
    assertThat(status.headers().firstValue("Range")).hasValue("0-3999");
    reg.send("PATCH", location, Arrays.copyOfRange(blob, 4000, 9000), Map.of("Content-Range", "4000-8999"));
    HttpResponse<byte[]> put = reg.send("PUT", location + "?digest=" + d, Arrays.copyOfRange(blob, 9000, 10_000),
        Map.of("Content-Type", "application/octet-stream"));
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(put.headers().firstValue("Docker-Content-Digest")).hasValue(d.toString());
    assertThat(reg.send("GET", "/v2/team/app/blobs/" + d).body()).isEqualTo(blob);
    assertThat(reg.send("GET", location).statusCode()).isEqualTo(404); // session gone
  }

  @Test
  void anOutOfOrderChunkIs416AndTheUploadGoesOnFromItsRealOffset() throws Exception {
    byte[] blob = new byte[4000];
    new java.util.Random(11).nextBytes(blob);
    Digest d = Digest.sha256(blob);
    String location = reg.send("POST", "/v2/team/app/blobs/uploads/").headers().firstValue("Location").orElseThrow();
    assertThat(reg.send("PATCH", location, Arrays.copyOfRange(blob, 0, 1000), Map.of("Content-Range", "0-999"))
        .statusCode()).isEqualTo(202);
    // ahead of the offset, a repeat of the first chunk, and a final PUT chunk that skips ahead
    List<HttpResponse<byte[]>> refused = List.of(
        reg.send("PATCH", location, Arrays.copyOfRange(blob, 2000, 3000), Map.of("Content-Range", "2000-2999")),
        reg.send("PATCH", location, Arrays.copyOfRange(blob, 0, 1000), Map.of("Content-Range", "0-999")),
        reg.send("PUT", location + "?digest=" + d, Arrays.copyOfRange(blob, 3000, 4000),
            Map.of("Content-Range", "3000-3999", "Content-Type", "application/octet-stream")));
    for (HttpResponse<byte[]> r : refused) {
      assertThat(r.statusCode()).as(r.request().method()).isEqualTo(416);
      assertThat(text(r)).as(r.request().method()).startsWith("{\"errors\":[{\"code\":\"BLOB_UPLOAD_INVALID\"")
          .contains("send the chunk starting at byte 1000");
      assertThat(r.headers().firstValue("Range")).as("where the upload really is").hasValue("0-999");
      assertThat(r.headers().firstValue("Location")).hasValue(location);
    }
    HttpResponse<byte[]> status = reg.send("GET", location);
    assertThat(status.statusCode()).isEqualTo(204);
    assertThat(status.headers().firstValue("Range")).hasValue("0-999");
    assertThat(reg.send("PATCH", location, Arrays.copyOfRange(blob, 1000, 2000), Map.of("Content-Range", "1000-1999"))
        .statusCode()).isEqualTo(202);
    HttpResponse<byte[]> put = reg.send("PUT", location + "?digest=" + d, Arrays.copyOfRange(blob, 2000, 4000),
        Map.of("Content-Range", "2000-3999", "Content-Type", "application/octet-stream"));
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(reg.send("GET", "/v2/team/app/blobs/" + d).body()).isEqualTo(blob);
  }

  @Test
  void aChunkCutOffMidBodyResumesAndTheWholeUploadIsStillVerified() throws Exception {
    byte[] blob = new byte[200_000];
    new java.util.Random(5).nextBytes(blob);
    Digest d = Digest.sha256(blob);
    String location = reg.send("POST", "/v2/team/app/blobs/uploads/").headers().firstValue("Location").orElseThrow();
    reg.send("PATCH", location, Arrays.copyOfRange(blob, 0, 50_000), Map.of("Content-Range", "0-49999"));
    // the next chunk promises 100000 bytes and the connection drops after 30000 of them
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", reg.server.port())) {
      java.io.OutputStream out = s.getOutputStream();
      out.write(("PATCH " + location + " HTTP/1.1\r\nHost: x\r\nContent-Range: 50000-149999\r\n"
          + "Content-Length: 100000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(blob, 50_000, 30_000);
      out.flush();
      s.shutdownOutput();
      s.getInputStream().readAllBytes();
    }
    HttpResponse<byte[]> status = reg.send("GET", location);
    assertThat(status.headers().firstValue("Range")).hasValue("0-79999");
    reg.send("PATCH", location, Arrays.copyOfRange(blob, 80_000, 150_000), Map.of("Content-Range", "80000-149999"));
    HttpResponse<byte[]> put = reg.send("PUT", location + "?digest=" + d, Arrays.copyOfRange(blob, 150_000, 200_000),
        Map.of("Content-Type", "application/octet-stream"));
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(reg.send("GET", "/v2/team/app/blobs/" + d).body()).isEqualTo(blob);
    // the same cut-off upload finished with a wrong digest is refused
    String again = reg.send("POST", "/v2/team/app/blobs/uploads/").headers().firstValue("Location").orElseThrow();
    reg.send("PATCH", again, Arrays.copyOfRange(blob, 0, 100), Map.of("Content-Range", "0-99"));
    assertThat(reg.send("PUT", again + "?digest=" + Digest.sha256(new byte[100]), new byte[0], Map.of()).statusCode())
        .isEqualTo(400);
  }

  @Test
  void crossRepositoryMount() throws Exception {
    Digest d = reg.pushBlob("lib/base", "shared layer".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> m = reg.send("POST", "/v2/team/app/blobs/uploads/?mount=" + d + "&from=lib/base");
    assertThat(m.statusCode()).isEqualTo(201);
    assertThat(m.headers().firstValue("Location")).hasValue("/v2/team/app/blobs/" + d);
    assertThat(reg.send("HEAD", "/v2/team/app/blobs/" + d).statusCode()).isEqualTo(200);
    // a source repository that lacks the blob: a plain upload session instead
    HttpResponse<byte[]> fallback = reg.send("POST", "/v2/team/other/blobs/uploads/?mount=" + d + "&from=nowhere");
    assertThat(fallback.statusCode()).isEqualTo(202);
    assertThat(reg.send("HEAD", "/v2/team/other/blobs/" + d).statusCode()).isEqualTo(404);
  }

  @Test
  void manifestsByTagAndDigestWithIndexes() throws Exception {
    byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    Digest c = reg.pushBlob("team/app", config);
    Digest l = reg.pushBlob("team/app", "layer".getBytes(StandardCharsets.UTF_8));
    String json = manifest(c, config.length, l);
    HttpResponse<byte[]> put = reg.putManifest("team/app", "v1", json, OCI);
    assertThat(put.statusCode()).isEqualTo(201);
    Digest md = Digest.sha256(json.getBytes(StandardCharsets.UTF_8));
    assertThat(put.headers().firstValue("Docker-Content-Digest")).hasValue(md.toString());
    HttpResponse<byte[]> get = reg.send("GET", "/v2/team/app/manifests/v1", null, Map.of("Accept", OCI));
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.headers().firstValue("Content-Type")).hasValue(OCI);
    assertThat(text(get)).isEqualTo(json);
    assertThat(reg.send("HEAD", "/v2/team/app/manifests/" + md).statusCode()).isEqualTo(200);
    String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{"
        + "\"mediaType\":\"" + OCI + "\",\"digest\":\"" + md + "\",\"size\":" + json.length()
        + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
    assertThat(reg.putManifest("team/app", "multi", index, "application/vnd.oci.image.index.v1+json").statusCode())
        .isEqualTo(201);
    // pushing by digest needs the digest to match
    assertThat(reg.putManifest("team/app", md.toString(), json, OCI).statusCode()).isEqualTo(201);
  }

  @Test
  void tagsAndCatalogPaginate() throws Exception {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    for (String repo : new String[] {"a/one", "b/two", "c/three"}) {
      Digest c = reg.pushBlob(repo, config);
      for (String tag : new String[] {"1", "2", "3", "latest"}) {
        assertThat(reg.putManifest(repo, tag, manifest(c, 2), OCI).statusCode()).isEqualTo(201);
      }
    }
    HttpResponse<byte[]> page = reg.send("GET", "/v2/a/one/tags/list?n=2");
    assertThat(text(page)).isEqualTo("{\"name\":\"a/one\",\"tags\":[\"1\",\"2\"]}");
    assertThat(page.headers().firstValue("Link")).hasValue("</v2/a/one/tags/list?n=2&last=2>; rel=\"next\"");
    HttpResponse<byte[]> next = reg.send("GET", "/v2/a/one/tags/list?n=2&last=2");
    assertThat(text(next)).isEqualTo("{\"name\":\"a/one\",\"tags\":[\"3\",\"latest\"]}");
    assertThat(next.headers().firstValue("Link")).isEmpty();
    assertThat(text(reg.send("GET", "/v2/_catalog?n=2"))).isEqualTo("{\"repositories\":[\"a/one\",\"b/two\"]}");
    assertThat(text(reg.send("GET", "/v2/_catalog?last=b/two"))).isEqualTo("{\"repositories\":[\"c/three\"]}");
    assertThat(reg.send("GET", "/v2/nope/tags/list").statusCode()).isEqualTo(404);
  }

  @Test
  void referrersListManifestsWhoseSubjectIsTheDigest() throws Exception {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    Digest c = reg.pushBlob("team/app", config);
    String image = manifest(c, 2);
    reg.putManifest("team/app", "v1", image, OCI);
    Digest subject = Digest.sha256(image.getBytes(StandardCharsets.UTF_8));
    String sbom = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI + "\",\"artifactType\":\"application/spdx+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + c + "\",\"size\":2},"
        + "\"layers\":[],\"subject\":{\"mediaType\":\"" + OCI + "\",\"digest\":\"" + subject + "\",\"size\":"
        + image.length() + "},\"annotations\":{\"kind\":\"sbom\"}}";
    HttpResponse<byte[]> put = reg.putManifest("team/app", Digest.sha256(sbom.getBytes(StandardCharsets.UTF_8)).toString(),
        sbom, OCI);
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(put.headers().firstValue("OCI-Subject")).hasValue(subject.toString());
    HttpResponse<byte[]> refs = reg.send("GET", "/v2/team/app/referrers/" + subject);
    assertThat(refs.statusCode()).isEqualTo(200);
    assertThat(refs.headers().firstValue("Content-Type")).hasValue("application/vnd.oci.image.index.v1+json");
    assertThat(text(refs)).contains("\"artifactType\":\"application/spdx+json\"").contains("\"kind\":\"sbom\"");
    HttpResponse<byte[]> filtered = reg.send("GET", "/v2/team/app/referrers/" + subject + "?artifactType=text/plain");
    assertThat(filtered.headers().firstValue("OCI-Filters-Applied")).hasValue("artifactType");
    assertThat(text(filtered)).contains("\"manifests\":[]");
  }

  @Test
  void contentManagementDeletes() throws Exception {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    Digest c = reg.pushBlob("team/app", config);
    String json = manifest(c, 2);
    reg.putManifest("team/app", "v1", json, OCI);
    reg.putManifest("team/app", "v2", json, OCI);
    Digest md = Digest.sha256(json.getBytes(StandardCharsets.UTF_8));
    assertThat(reg.send("DELETE", "/v2/team/app/manifests/v2").statusCode()).isEqualTo(202);
    assertThat(reg.send("GET", "/v2/team/app/manifests/v2").statusCode()).isEqualTo(404);
    assertThat(reg.send("GET", "/v2/team/app/manifests/v1").statusCode()).isEqualTo(200);
    assertThat(reg.send("DELETE", "/v2/team/app/manifests/" + md).statusCode()).isEqualTo(202);
    HttpResponse<byte[]> gone = reg.send("GET", "/v2/team/app/manifests/v1");
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(text(gone)).contains("MANIFEST_UNKNOWN");
    assertThat(reg.send("DELETE", "/v2/team/app/blobs/" + c).statusCode()).isEqualTo(202);
    assertThat(reg.send("HEAD", "/v2/team/app/blobs/" + c).statusCode()).isEqualTo(404);
    assertThat(reg.send("DELETE", "/v2/team/app/blobs/" + c).statusCode()).isEqualTo(404);
  }

  @Test
  void uploadCancel() throws Exception {
    String location = reg.send("POST", "/v2/team/app/blobs/uploads/").headers().firstValue("Location").orElseThrow();
    reg.send("PATCH", location, "abc".getBytes(StandardCharsets.UTF_8), Map.of());
    assertThat(reg.send("DELETE", location).statusCode()).isEqualTo(204);
    HttpResponse<byte[]> after = reg.send("GET", location);
    assertThat(after.statusCode()).isEqualTo(404);
    assertThat(text(after)).contains("BLOB_UPLOAD_UNKNOWN");
  }
}
