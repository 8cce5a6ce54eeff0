package io.berth.registry;

import static io.berth.registry.TestRegistry.manifest;
import static io.berth.registry.TestRegistry.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.oci.Digest;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a registry must refuse, with the spec's code and status, storing nothing: wrong digests,
 * truncated uploads, oversized or invalid manifests, unknown media types, manifests that point at
 * missing blobs, bad names and ranges. A client that stalls mid-upload does not hold up others.
 */
class RegistryBadInputTest extends RegistryServerTest {
  private long blobFiles() throws Exception {
    try (Stream<Path> s = Files.list(tmp.resolve("blobs/sha256"))) {
      return s.count();
    }
  }

  @Test
  void wrongDigestStoresNothing() throws Exception {
    Digest other = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> r = reg.send("POST", "/v2/team/app/blobs/uploads/?digest=" + other,
        "content".getBytes(StandardCharsets.UTF_8), Map.of());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(text(r)).contains("DIGEST_INVALID");
    assertThat(blobFiles()).isZero();
    try (Stream<Path> s = Files.list(tmp.resolve("uploads"))) {
      assertThat(s.count()).isZero();
    }
    assertThat(text(reg.send("GET", "/v2/team/app/blobs/sha256:xyz"))).contains("DIGEST_INVALID");
    assertThat(reg.send("GET", "/v2/team/app/blobs/md5:abc").statusCode()).isEqualTo(400);
  }

  @Test
  void truncatedUploadIsNeverVisible() throws Exception {
    byte[] full = new byte[100];
    Digest d = Digest.sha256(full);
    try (Socket s = new Socket("127.0.0.1", reg.server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(("POST /v2/team/app/blobs/uploads/?digest=" + d + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.write(new byte[50]);
      out.flush();
      s.shutdownOutput(); // the client goes away half way
      s.getInputStream().readAllBytes();
    }
    Thread.sleep(200);
    assertThat(reg.send("HEAD", "/v2/team/app/blobs/" + d).statusCode()).isEqualTo(404);
    assertThat(blobFiles()).isZero();
  }

  @Test
  void manifestProblemsHaveTheirCodes() throws Exception {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    Digest c = reg.pushBlob("team/app", config);
    Digest missing = Digest.sha256("not pushed".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> r = reg.putManifest("team/app", "v1", manifest(c, 2, missing), OCI);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(text(r)).contains("MANIFEST_BLOB_UNKNOWN").contains(missing.toString());
    r = reg.putManifest("team/app", "v1", "{not json", OCI);
    assertThat(text(r)).contains("MANIFEST_INVALID");
    r = reg.putManifest("team/app", "v1", manifest(c, 2), "application/x-unknown");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(text(r)).contains("MANIFEST_INVALID").contains("unsupported manifest media type");
    r = reg.putManifest("team/app", "v1", "{\"schemaVersion\":1}", OCI);
    assertThat(text(r)).contains("MANIFEST_INVALID");
    String big = "{\"schemaVersion\":2,\"pad\":\"" + "x".repeat(5000) + "\"}"; // the test server allows 4096
    r = reg.putManifest("team/app", "v1", big, OCI);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(text(r)).contains("SIZE_INVALID");
    r = reg.putManifest("team/app", Digest.sha256(new byte[1]).toString(), manifest(c, 2), OCI);
    assertThat(text(r)).contains("DIGEST_INVALID");
    r = reg.putManifest("team/app", "-bad", manifest(c, 2), OCI);
    assertThat(text(r)).contains("TAG_INVALID");
    assertThat(reg.send("GET", "/v2/team/app/tags/list").statusCode()).isEqualTo(200);
    assertThat(text(reg.send("GET", "/v2/team/app/tags/list"))).contains("\"tags\":[]");
    assertThat(blobFiles()).isEqualTo(1); // only the config
  }

  @Test
  void namesOutsideTheGrammarAreRefused() throws Exception {
    for (String name : new String[] {"team/../etc", "Team/App", "team//app", "team/app/", "-x"}) {
      HttpResponse<byte[]> r = reg.send("GET", "/v2/" + name + "/tags/list");
      assertThat(r.statusCode()).as(name).isIn(400, 404);
      assertThat(text(r)).as(name).containsAnyOf("NAME_INVALID", "NOT_FOUND");
    }
    HttpResponse<byte[]> r = reg.send("POST", "/v2/a/%2e%2e/b/blobs/uploads/");
    assertThat(text(r)).contains("NAME_INVALID");
    assertThat(Files.exists(tmp.resolve("repositories/a"))).isFalse();
  }

  @Test
  void malformedRangesAndPagination() throws Exception {
    Digest d = reg.pushBlob("team/app", "abc".getBytes(StandardCharsets.UTF_8));
    assertThat(reg.send("GET", "/v2/team/app/blobs/" + d, null, Map.of("Range", "bytes=x-y")).statusCode())
        .isEqualTo(416);
    assertThat(reg.send("GET", "/v2/team/app/blobs/" + d, null, Map.of("Range", "bytes=2-1")).statusCode())
        .isEqualTo(416);
    assertThat(text(reg.send("GET", "/v2/_catalog?n=-1"))).contains("PAGINATION_NUMBER_INVALID");
    String location = reg.send("POST", "/v2/team/app/blobs/uploads/").headers().firstValue("Location").orElseThrow();
    HttpResponse<byte[]> r = reg.send("PATCH", location, new byte[3], Map.of("Content-Range", "garbage"));
    assertThat(r.statusCode()).isEqualTo(416);
    assertThat(reg.send("PATCH", "/v2/team/app/blobs/uploads/not-a-uuid", new byte[3], Map.of()).statusCode())
        .isEqualTo(404);
    // another repository cannot use someone else's session
    String id = location.substring(location.lastIndexOf('/') + 1);
    assertThat(reg.send("GET", "/v2/team/other/blobs/uploads/" + id).statusCode()).isEqualTo(404);
  }

  @Test
  void aStalledClientDoesNotBlockOthers() throws Exception {
    try (Socket stalled = new Socket("127.0.0.1", reg.server.port())) {
      OutputStream out = stalled.getOutputStream();
      out.write(("POST /v2/slow/blobs/uploads/?digest=" + Digest.sha256(new byte[1]) + " HTTP/1.1\r\nHost: x\r\n"
          + "Content-Length: 1000000000\r\n\r\nabc").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      for (int i = 0; i < 20; i++) {
        Digest d = reg.pushBlob("fast/app", ("blob " + i).getBytes(StandardCharsets.UTF_8));
        assertThat(reg.send("GET", "/v2/fast/app/blobs/" + d).statusCode()).isEqualTo(200);
      }
      InputStream in = stalled.getInputStream();
      assertThat(in.available()).isZero(); // still waiting for its body, unanswered
    }
  }
}
