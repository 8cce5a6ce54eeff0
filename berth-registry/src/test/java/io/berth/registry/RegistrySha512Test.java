package io.berth.registry;

import static io.berth.registry.TestRegistry.manifest;
import static io.berth.registry.TestRegistry.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.oci.Digest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Content addressed by sha512, which the OCI image and distribution specs allow next to sha256:
 * every way of uploading, reading, mounting and deleting blobs, manifests pushed and fetched by
 * sha512 digest, referrers of a sha512 subject, and the garbage collector. Digests of other
 * algorithms are refused with the spec's DIGEST_INVALID.
 */
class RegistrySha512Test extends RegistryServerTest {
  private static final String INDEX = "application/vnd.oci.image.index.v1+json";
  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    new java.util.Random(seed).nextBytes(b);
    return b;
  }

  private void assertServed(String repo, Digest d, byte[] content) throws Exception {
    HttpResponse<byte[]> head = reg.send("HEAD", "/v2/" + repo + "/blobs/" + d);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(content.length);
    assertThat(head.headers().firstValue("Docker-Content-Digest")).hasValue(d.toString());
    HttpResponse<byte[]> get = reg.send("GET", "/v2/" + repo + "/blobs/" + d);
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo(content);
  }

  @Test
  void monolithicUploadsGetHeadRangeAndDelete() throws Exception {
    byte[] post = bytes(3000, 1);
    Digest d = reg.pushBlob("team/app", post, "sha512");
    assertThat(d.hex()).hasSize(128);
    assertServed("team/app", d, post);
    assertThat(tmp.resolve("blobs/sha512").resolve(d.hex())).as("stored under its own digest").hasBinaryContent(post);
    HttpResponse<byte[]> part = reg.send("GET", "/v2/team/app/blobs/" + d, null, Map.of("Range", "bytes=10-19"));
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(post, 10, 20));
    // POST then PUT with the whole body
    byte[] put = bytes(500, 2);
    Digest p = Digest.of("sha512", put);
    String loc = reg.send("POST", "/v2/team/app/blobs/uploads/").headers().firstValue("Location").orElseThrow();
    HttpResponse<byte[]> created = reg.send("PUT", loc + "?digest=" + p, put, Map.of("Content-Type", "application/octet-stream"));
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).hasValue("/v2/team/app/blobs/" + p);
    assertThat(created.headers().firstValue("Docker-Content-Digest")).hasValue(p.toString());
    assertServed("team/app", p, put);
    // the empty blob too
    Digest empty = reg.pushBlob("team/app", new byte[0], "sha512");
    assertServed("team/app", empty, new byte[0]);
    assertThat(reg.send("DELETE", "/v2/team/app/blobs/" + d).statusCode()).isEqualTo(202);
    HttpResponse<byte[]> gone = reg.send("GET", "/v2/team/app/blobs/" + d);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(text(gone)).contains("BLOB_UNKNOWN");
    assertThat(reg.send("DELETE", "/v2/team/app/blobs/" + d).statusCode()).isEqualTo(404);
    // a sha512 blob is only in the repository it was pushed to
    assertThat(reg.send("HEAD", "/v2/other/blobs/" + p).statusCode()).isEqualTo(404);
  }

  @Test
  void chunkedUploadsAreVerifiedBySha512WithOrWithoutDigestAlgorithm() throws Exception {
    byte[] blob = bytes(10_000, 3);
    Digest d = Digest.of("sha512", blob);
    for (String post : List.of("/v2/team/app/blobs/uploads/", "/v2/team/app/blobs/uploads/?digest-algorithm=sha512")) {
      reg.send("DELETE", "/v2/team/app/blobs/" + d);
      HttpResponse<byte[]> start = reg.send("POST", post);
      assertThat(start.statusCode()).as(post).isEqualTo(202);
      String loc = start.headers().firstValue("Location").orElseThrow();
      HttpResponse<byte[]> p1 = reg.send("PATCH", loc, Arrays.copyOfRange(blob, 0, 4000),
          Map.of("Content-Range", "0-3999", "Content-Type", "application/octet-stream"));
      assertThat(p1.statusCode()).isEqualTo(202);
      reg.send("PATCH", loc, Arrays.copyOfRange(blob, 4000, 8000), Map.of("Content-Range", "4000-7999"));
      HttpResponse<byte[]> put = reg.send("PUT", loc + "?digest=" + d, Arrays.copyOfRange(blob, 8000, 10_000),
          Map.of("Content-Range", "8000-9999", "Content-Type", "application/octet-stream"));
      assertThat(put.statusCode()).as(post).isEqualTo(201);
      assertThat(put.headers().firstValue("Docker-Content-Digest")).hasValue(d.toString());
      assertServed("team/app", d, blob);
    }
    // announced as sha512 but finished with the sha256 digest: checked by sha256, and stored so
    String loc = reg.send("POST", "/v2/team/app/blobs/uploads/?digest-algorithm=sha512").headers()
        .firstValue("Location").orElseThrow();
    reg.send("PATCH", loc, blob, Map.of());
    assertThat(reg.send("PUT", loc + "?digest=" + Digest.sha256(blob), new byte[0], Map.of()).statusCode()).isEqualTo(201);
    assertServed("team/app", Digest.sha256(blob), blob);
  }

  @Test
  void aWrongSha512DigestStoresNothing() throws Exception {
    Digest claimed = Digest.of("sha512", "what the client meant".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> r = reg.send("POST", "/v2/team/app/blobs/uploads/?digest=" + claimed,
        "what arrived".getBytes(StandardCharsets.UTF_8), Map.of());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(text(r)).contains("\"code\":\"DIGEST_INVALID\"");
    assertThat(reg.send("HEAD", "/v2/team/app/blobs/" + claimed).statusCode()).isEqualTo(404);
    try (var blobs = Files.list(tmp.resolve("blobs"))) {
      for (Path dir : blobs.toList()) {
        try (var files = Files.list(dir)) {
          assertThat(files.count()).as(dir.toString()).isZero();
        }
      }
    }
  }

  @Test
  void crossRepositoryMountBySha512() throws Exception {
    byte[] layer = "shared sha512 layer".getBytes(StandardCharsets.UTF_8);
    Digest d = reg.pushBlob("lib/base", layer, "sha512");
    HttpResponse<byte[]> m = reg.send("POST", "/v2/team/app/blobs/uploads/?mount=" + d + "&from=lib/base");
    assertThat(m.statusCode()).isEqualTo(201);
    assertThat(m.headers().firstValue("Location")).hasValue("/v2/team/app/blobs/" + d);
    assertThat(m.headers().firstValue("Docker-Content-Digest")).hasValue(d.toString());
    assertServed("team/app", d, layer);
    // the sha256 of the same bytes is another blob, which neither repository has
    assertThat(reg.send("HEAD", "/v2/team/app/blobs/" + Digest.sha256(layer)).statusCode()).isEqualTo(404);
    assertThat(reg.send("POST", "/v2/team/other/blobs/uploads/?mount=" + d + "&from=nowhere").statusCode()).isEqualTo(202);
  }

  @Test
  void manifestsBySha512DigestWithTagsIndexesReferrersAndDelete() throws Exception {
    byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    Digest c = reg.pushBlob("team/app", config, "sha512");
    Digest l = reg.pushBlob("team/app", "layer".getBytes(StandardCharsets.UTF_8), "sha512");
    String image = manifest(c, config.length, l);
    Digest md = Digest.of("sha512", image.getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> put = reg.send("PUT", "/v2/team/app/manifests/" + md + "?tag=v1&tag=latest",
        image.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", OCI));
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(put.headers().firstValue("Docker-Content-Digest")).hasValue(md.toString());
    assertThat(put.headers().firstValue("Location")).hasValue("/v2/team/app/manifests/" + md);
    assertThat(put.headers().allValues("OCI-Tag")).containsExactly("v1, latest");
    for (String ref : List.of(md.toString(), "v1", "latest")) {
      HttpResponse<byte[]> get = reg.send("GET", "/v2/team/app/manifests/" + ref, null, Map.of("Accept", OCI));
      assertThat(get.statusCode()).as(ref).isEqualTo(200);
      assertThat(get.headers().firstValue("Content-Type")).hasValue(OCI);
      assertThat(get.headers().firstValue("Docker-Content-Digest")).hasValue(md.toString());
      assertThat(text(get)).isEqualTo(image);
      assertThat(reg.send("HEAD", "/v2/team/app/manifests/" + ref).statusCode()).isEqualTo(200);
    }
    // the body must hash to the digest it is pushed by, by that digest's algorithm
    Digest other = Digest.of("sha512", "other".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> wrong = reg.putManifest("team/app", other.toString(), image, OCI);
    assertThat(wrong.statusCode()).isEqualTo(400);
    assertThat(text(wrong)).contains("DIGEST_INVALID");
    // an index whose child is addressed by sha512
    String index = "{\"schemaVersion\":2,\"mediaType\":\"" + INDEX + "\",\"manifests\":[{\"mediaType\":\"" + OCI
        + "\",\"digest\":\"" + md + "\",\"size\":" + image.length() + "}]}";
    Digest idx = Digest.of("sha512", index.getBytes(StandardCharsets.UTF_8));
    assertThat(reg.putManifest("team/app", idx.toString(), index, INDEX).statusCode()).isEqualTo(201);
    // a referrer whose subject is the sha512 manifest
    String sbom = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI + "\",\"artifactType\":\"application/spdx+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + c + "\",\"size\":"
        + config.length + "},\"layers\":[],\"subject\":{\"mediaType\":\"" + OCI + "\",\"digest\":\"" + md
        + "\",\"size\":" + image.length() + "}}";
    Digest sbomDigest = Digest.of("sha512", sbom.getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> ref = reg.putManifest("team/app", sbomDigest.toString(), sbom, OCI);
    assertThat(ref.statusCode()).isEqualTo(201);
    assertThat(ref.headers().firstValue("OCI-Subject")).hasValue(md.toString());
    HttpResponse<byte[]> refs = reg.send("GET", "/v2/team/app/referrers/" + md);
    assertThat(refs.statusCode()).isEqualTo(200);
    assertThat(text(refs)).contains("\"digest\":\"" + sbomDigest + "\"").contains("\"artifactType\":\"application/spdx+json\"");
    // deleting by the sha512 digest removes the manifest and its tags
    assertThat(reg.send("DELETE", "/v2/team/app/manifests/" + md).statusCode()).isEqualTo(202);
    assertThat(reg.send("GET", "/v2/team/app/manifests/" + md).statusCode()).isEqualTo(404);
    assertThat(reg.send("GET", "/v2/team/app/manifests/v1").statusCode()).isEqualTo(404);
    assertThat(text(reg.send("GET", "/v2/team/app/tags/list"))).doesNotContain("v1").doesNotContain("latest");
    assertThat(text(reg.send("GET", "/v2/team/app/referrers/" + md))).doesNotContain(md.toString())
        .contains(sbomDigest.toString());
  }

  @Test
  void tagParametersAreCheckedBeforeAnythingIsStored() throws Exception {
    Digest c = reg.pushBlob("team/app", "{}".getBytes(StandardCharsets.UTF_8));
    String image = manifest(c, 2);
    Digest md = Digest.sha256(image.getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> bad = reg.send("PUT", "/v2/team/app/manifests/" + md + "?tag=ok&tag=no:colons",
        image.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", OCI));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(text(bad)).contains("TAG_INVALID").contains("no:colons");
    assertThat(reg.send("HEAD", "/v2/team/app/manifests/" + md).statusCode()).isEqualTo(404);
    assertThat(reg.send("HEAD", "/v2/team/app/manifests/ok").statusCode()).isEqualTo(404);
    HttpResponse<byte[]> byTag = reg.send("PUT", "/v2/team/app/manifests/v1?tag=v2",
        image.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", OCI));
    assertThat(byTag.statusCode()).isEqualTo(400);
    assertThat(text(byTag)).contains("TAG_INVALID");
    assertThat(reg.send("HEAD", "/v2/team/app/manifests/v2").statusCode()).isEqualTo(404);
  }

  @Test
  void otherAlgorithmsAreDigestInvalid() throws Exception {
    String sha384 = "sha384:" + "a".repeat(96);
    String blake3 = "blake3:" + "b".repeat(64);
    List<HttpResponse<byte[]>> refused = new ArrayList<>();
    refused.add(reg.send("POST", "/v2/team/app/blobs/uploads/?digest=" + sha384, "x".getBytes(StandardCharsets.UTF_8), Map.of()));
    refused.add(reg.send("POST", "/v2/team/app/blobs/uploads/?digest-algorithm=blake3"));
    refused.add(reg.send("GET", "/v2/team/app/blobs/" + sha384));
    refused.add(reg.send("HEAD", "/v2/team/app/blobs/" + blake3));
    refused.add(reg.send("DELETE", "/v2/team/app/blobs/" + blake3));
    refused.add(reg.send("POST", "/v2/team/app/blobs/uploads/?mount=" + sha384 + "&from=lib/base"));
    refused.add(reg.send("GET", "/v2/team/app/manifests/" + sha384));
    refused.add(reg.send("PUT", "/v2/team/app/manifests/" + blake3, "{}".getBytes(StandardCharsets.UTF_8),
        Map.of("Content-Type", OCI)));
    refused.add(reg.send("GET", "/v2/team/app/referrers/" + sha384));
    String loc = reg.send("POST", "/v2/team/app/blobs/uploads/").headers().firstValue("Location").orElseThrow();
    refused.add(reg.send("PUT", loc + "?digest=" + sha384, "x".getBytes(StandardCharsets.UTF_8), Map.of()));
    for (HttpResponse<byte[]> r : refused) {
      assertThat(r.statusCode()).as(r.request().method() + " " + r.request().uri()).isEqualTo(400);
      if (!r.request().method().equals("HEAD")) {
        assertThat(text(r)).as(r.request().uri().toString()).contains("\"code\":\"DIGEST_INVALID\"")
            .containsPattern("unsupported digest algorithm (sha384|blake3)");
      }
    }
    // a known algorithm with the wrong length is malformed, not unsupported
    HttpResponse<byte[]> shortHex = reg.send("GET", "/v2/team/app/blobs/sha512:abcd");
    assertThat(shortHex.statusCode()).isEqualTo(400);
    assertThat(text(shortHex)).contains("DIGEST_INVALID").contains("malformed sha512 digest");
    assertThat(reg.send("GET", loc).statusCode()).as("the session refused at its PUT is intact").isEqualTo(204);
  }

  @Test
  void theGarbageCollectorSweepsAndKeepsSha512Blobs() throws Exception {
    Digest config = reg.pushBlob("team/app", "{}".getBytes(StandardCharsets.UTF_8), "sha512");
    Digest kept = reg.pushBlob("team/app", "kept".getBytes(StandardCharsets.UTF_8), "sha512");
    Digest orphan = reg.pushBlob("team/app", "orphan".getBytes(StandardCharsets.UTF_8), "sha512");
    String image = manifest(config, 2, kept);
    Digest md = Digest.of("sha512", image.getBytes(StandardCharsets.UTF_8));
    assertThat(reg.send("PUT", "/v2/team/app/manifests/" + md + "?tag=v1", image.getBytes(StandardCharsets.UTF_8),
        Map.of("Content-Type", OCI)).statusCode()).isEqualTo(201);
    reg.close();
    RegistryStorage storage = new RegistryStorage(tmp);
    GarbageCollector.Result r = new GarbageCollector(storage).run(false, false, line -> { });
    assertThat(r.blobs()).containsExactly(orphan);
    assertThat(storage.hasBlob("team/app", orphan)).isFalse();
    assertThat(storage.linkedBlobs("team/app")).containsExactlyInAnyOrder(config, kept);
    assertThat(storage.revisions("team/app")).containsExactly(md);
    reg = new TestRegistry(tmp);
    assertThat(reg.send("GET", "/v2/team/app/manifests/v1").statusCode()).isEqualTo(200);
    assertServed("team/app", kept, "kept".getBytes(StandardCharsets.UTF_8));
  }
}
