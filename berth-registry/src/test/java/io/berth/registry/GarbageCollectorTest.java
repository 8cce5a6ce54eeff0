package io.berth.registry;

import static io.berth.registry.TestRegistry.manifest;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GarbageCollectorTest {
  private static final String OCI = "application/vnd.oci.image.manifest.v1+json";
  @TempDir Path tmp;

  @Test
  void sweepsOnlyWhatNoKeptManifestReferences() throws Exception {
    Digest shared;
    Digest onlyOld;
    Digest orphan;
    Digest config;
    String staleId;
    try (TestRegistry reg = new TestRegistry(tmp)) {
      config = reg.pushBlob("team/app", "{}".getBytes(StandardCharsets.UTF_8));
      shared = reg.pushBlob("team/app", "shared".getBytes(StandardCharsets.UTF_8));
      onlyOld = reg.pushBlob("team/app", "old".getBytes(StandardCharsets.UTF_8));
      orphan = reg.pushBlob("team/app", "never referenced".getBytes(StandardCharsets.UTF_8));
      reg.putManifest("team/app", "old", manifest(config, 2, shared, onlyOld), OCI);
      reg.putManifest("team/app", "new", manifest(config, 2, shared), OCI);
      Digest oldManifest = Digest.sha256(manifest(config, 2, shared, onlyOld).getBytes(StandardCharsets.UTF_8));
      reg.send("DELETE", "/v2/team/app/manifests/" + oldManifest);
      String loc = reg.send("POST", "/v2/team/app/blobs/uploads/").headers().firstValue("Location").orElseThrow();
      staleId = loc.substring(loc.lastIndexOf('/') + 1);
    }
    Files.setLastModifiedTime(tmp.resolve("uploads").resolve(staleId).resolve("data"),
        FileTime.from(Instant.now().minusSeconds(2 * 86400)));
    RegistryStorage storage = new RegistryStorage(tmp);
    List<String> log = new ArrayList<>();
    GarbageCollector.Result dry = new GarbageCollector(storage).run(true, false, log::add);
    assertThat(dry.blobs()).containsExactlyInAnyOrder(onlyOld, orphan,
        Digest.sha256(manifest(config, 2, shared, onlyOld).getBytes(StandardCharsets.UTF_8)));
    assertThat(storage.blobs().exists(onlyOld)).isTrue(); // a dry run deletes nothing
    GarbageCollector.Result real = new GarbageCollector(storage).run(false, false, log::add);
    assertThat(real.blobs()).hasSize(3);
    assertThat(real.uploads()).isEqualTo(1);
    assertThat(storage.blobs().exists(onlyOld)).isFalse();
    assertThat(storage.blobs().exists(orphan)).isFalse();
    assertThat(storage.hasBlob("team/app", shared)).isTrue();
    assertThat(storage.hasBlob("team/app", onlyOld)).isFalse();
    try (TestRegistry reg = new TestRegistry(tmp)) {
      assertThat(reg.send("GET", "/v2/team/app/manifests/new").statusCode()).isEqualTo(200);
      assertThat(reg.send("GET", "/v2/team/app/blobs/" + shared).statusCode()).isEqualTo(200);
    }
  }
}
