package io.berth.store.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.oci.Digest;
import io.berth.store.Stores;
import io.berth.store.layer.TarBuilder;
import io.berth.store.snapshot.OverlaySnapshotter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalImageStoreTest {
  @TempDir Path tmp;

  private static byte[] rootfs() throws Exception {
    return new TarBuilder().dir("etc").file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 0644)
        .file("hello", "hello\n", 0644).build();
  }

  @Test
  void importAppliesChangesAndTags() throws Exception {
    ImageStore s = Stores.open(tmp.resolve("a")).images();
    Image img = s.importRootfs(new ByteArrayInputStream(rootfs()), new ImageStore.ImportOptions("shop/base:1",
        List.of("CMD [\"/bin/sh\"]", "ENV A=1 B=\"two words\"", "EXPOSE 8080", "WORKDIR /srv", "LABEL team=core"),
        "hello", null));
    assertThat(img.repoTags()).containsExactly("shop/base:1");
    assertThat(img.config().config().cmd()).containsExactly("/bin/sh");
    assertThat(img.config().config().env()).containsExactly("A=1", "B=two words");
    assertThat(img.config().config().exposedPorts()).containsKey("8080/tcp");
    assertThat(img.config().config().workingDir()).isEqualTo("/srv");
    assertThat(img.config().config().labels()).containsEntry("team", "core");
    assertThat(s.resolve("shop/base:1").id()).isEqualTo(img.id());
    assertThat(s.resolve(img.id().hex().substring(0, 8)).id()).isEqualTo(img.id());
    assertThatThrownBy(() -> s.importRootfs(new ByteArrayInputStream(rootfs()),
        new ImageStore.ImportOptions(null, List.of("FROM x"), null, null))).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void saveThenLoadIntoAnotherStoreKeepsIdAndTags() throws Exception {
    ImageStore a = Stores.open(tmp.resolve("a")).images();
    Image img = a.importRootfs(new ByteArrayInputStream(rootfs()), new ImageStore.ImportOptions("x/y:2", List.of(), null, null));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    a.save(List.of("x/y:2"), out);
    ImageStore b = Stores.open(tmp.resolve("b")).images();
    ImageStore.LoadResult r = b.load(new ByteArrayInputStream(out.toByteArray()));
    assertThat(r.tags()).containsExactly("x/y:2");
    assertThat(b.resolve("x/y:2").id()).isEqualTo(img.id());
    assertThat(b.resolve("x/y:2").diffIds()).isEqualTo(img.diffIds());
  }

  @Test
  void loadsAnOciArchiveWrittenBySkopeo() throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/skopeo"))) {
      throw new org.opentest4j.TestAbortedException("skopeo is not installed");
    }
    ImageStore a = Stores.open(tmp.resolve("a")).images();
    Image img = a.importRootfs(new ByteArrayInputStream(rootfs()), new ImageStore.ImportOptions("x/oci:1", List.of(), null, null));
    Path saved = tmp.resolve("saved.tar");
    try (var out = Files.newOutputStream(saved)) {
      a.save(List.of("x/oci:1"), out);
    }
    Path oci = tmp.resolve("oci.tar");
    Process p = new ProcessBuilder("skopeo", "copy", "docker-archive:" + saved, "oci-archive:" + oci + ":x/oci:1")
        .redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(log).isZero();
    ImageStore b = Stores.open(tmp.resolve("b")).images();
    try (var in = Files.newInputStream(oci)) {
      b.load(in);
    }
    Image loaded = b.list().getFirst();
    assertThat(loaded.diffIds()).isEqualTo(img.diffIds());
    assertThat(loaded.config().rootfs().diffIds()).isEqualTo(img.config().rootfs().diffIds());
  }

  @Test
  void loadsTheClassicDockerArchiveLayout() throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/skopeo"))) {
      throw new org.opentest4j.TestAbortedException("skopeo is not installed");
    }
    ImageStore a = Stores.open(tmp.resolve("a")).images();
    Image img = a.importRootfs(new ByteArrayInputStream(rootfs()), new ImageStore.ImportOptions("x/classic:1", List.of(), null, null));
    Path saved = tmp.resolve("saved.tar");
    try (var out = Files.newOutputStream(saved)) {
      a.save(List.of("x/classic:1"), out);
    }
    // skopeo writes the pre-Docker-25 layout: <hex>.json config, <hex>.tar layers, manifest.json only
    Path classic = tmp.resolve("classic.tar");
    Process p = new ProcessBuilder("skopeo", "copy", "docker-archive:" + saved, "docker-archive:" + classic + ":x/classic:2")
        .redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(log).isZero();
    ImageStore b = Stores.open(tmp.resolve("b")).images();
    try (var in = Files.newInputStream(classic)) {
      assertThat(b.load(in).tags()).containsExactly("x/classic:2");
    }
    assertThat(b.resolve("x/classic:2").diffIds()).isEqualTo(img.diffIds());
  }

  @Test
  void rmiSemantics() throws Exception {
    ImageStore s = Stores.open(tmp.resolve("a")).images();
    Image img = s.importRootfs(new ByteArrayInputStream(rootfs()), new ImageStore.ImportOptions("r/a:1", List.of(), null, null));
    s.tag("r/a:1", "r/b:1");
    assertThatThrownBy(() -> s.remove(img.id().toString(), false, id -> false)).isInstanceOf(ConflictException.class);
    assertThat(s.remove("r/a:1", false, id -> false)).containsExactly(new ImageStore.DeleteItem("r/a:1", null));
    assertThatThrownBy(() -> s.remove("r/b:1", false, id -> true)).isInstanceOf(ConflictException.class);
    List<ImageStore.DeleteItem> items = s.remove("r/b:1", false, id -> false);
    assertThat(items).hasSize(2);
    assertThat(items.get(1).deleted()).isEqualTo(img.id().toString());
    assertThatThrownBy(() -> s.resolve("r/b:1")).isInstanceOf(NotFoundException.class);
    assertThat(s.list()).isEmpty();
  }

  @Test
  void malformedArchivesStoreNothing() throws Exception {
    ImageStore s = Stores.open(tmp.resolve("a")).images();
    byte[] noManifest = new TarBuilder().file("random", "x", 0644).build();
    assertThatThrownBy(() -> s.load(new ByteArrayInputStream(noManifest))).isInstanceOf(InvalidArgumentException.class);
    byte[] badJson = new TarBuilder().file("manifest.json", "{nope", 0644).build();
    assertThatThrownBy(() -> s.load(new ByteArrayInputStream(badJson))).isInstanceOf(InvalidArgumentException.class);
    byte[] missingLayer = new TarBuilder().file("manifest.json",
        "[{\"Config\":\"c.json\",\"RepoTags\":[\"a/b:1\"],\"Layers\":[\"l.tar\"]}]", 0644).file("c.json", "{}", 0644).build();
    assertThatThrownBy(() -> s.load(new ByteArrayInputStream(missingLayer))).isInstanceOf(InvalidArgumentException.class);
    assertThat(s.list()).isEmpty();
  }

  /** A saved image whose layer (3 MiB) is larger than what a load keeps in memory. */
  private byte[] savedBigImage(Stores a) throws Exception {
    byte[] big = new byte[3 << 20];
    new java.util.Random(7).nextBytes(big);
    byte[] layer = new TarBuilder().dir("data").file("data/big.bin", big, 0644).file("data/small", "s\n", 0600).build();
    a.images().importRootfs(new ByteArrayInputStream(layer), new ImageStore.ImportOptions("big:1", List.of(), null, null));
    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    a.images().save(List.of("big:1"), saved);
    return saved.toByteArray();
  }

  @Test
  void aLargeLayerIsStoredAndUnpackedAsItStreamsBy() throws Exception {
    Stores a = Stores.open(tmp.resolve("a"));
    byte[] archive = savedBigImage(a);
    Image original = a.images().resolve("big:1");
    // an unreferenced large file rides along: it is read, and nothing of it is kept
    byte[] withExtra = rewrite(archive, "manifest.json", m -> m);
    withExtra = appendEntry(withExtra, "extra.bin", new byte[2 << 20]);
    Stores b = Stores.open(tmp.resolve("b"));
    b.images().load(new ByteArrayInputStream(withExtra));
    Image loaded = b.images().resolve("big:1");
    assertThat(loaded.id()).isEqualTo(original.id());
    Path diff = tmp.resolve("b/overlay/layers").resolve(OverlaySnapshotter.chainIds(loaded.diffIds()).getFirst().hex());
    assertThat(Files.size(diff.resolve("diff/data/big.bin"))).isEqualTo(3 << 20);
    assertThat(Files.readString(diff.resolve("diff/data/small"))).isEqualTo("s\n");
    assertThat(Files.readString(diff.resolve("size")).trim()).isEqualTo(Long.toString(b.contentStore().size(loaded.layers().getFirst())));
    assertThat(tmp.resolve("b/overlay/layers").toFile().list()).noneMatch(n -> n.startsWith("."));
    assertThat(b.contentStore().list()).containsExactlyInAnyOrder(loaded.id(), loaded.manifestDigest(), loaded.layers().getFirst());

    // loaded again over itself: the second unpack is dropped, the layer stays
    b.images().load(new ByteArrayInputStream(archive));
    assertThat(Files.size(diff.resolve("diff/data/big.bin"))).isEqualTo(3 << 20);
    assertThat(tmp.resolve("b/overlay/layers").toFile().list()).hasSize(1);
  }

  @Test
  void aLargeLayerThatIsNotWhatItIsNamedAfterLeavesNothing() throws Exception {
    Stores a = Stores.open(tmp.resolve("a"));
    Image img;
    byte[] archive = savedBigImage(a);
    img = a.images().resolve("big:1");
    byte[] tampered = rewrite(archive, "blobs/sha256/" + img.layers().getFirst().hex(), b -> {
      byte[] c = b.clone();
      c[c.length / 2] ^= 1;
      return c;
    });
    Stores b = Stores.open(tmp.resolve("b"));
    assertThatThrownBy(() -> b.images().load(new ByteArrayInputStream(tampered)))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not the one it is named after");
    assertThat(b.images().list()).isEmpty();
    assertThat(b.contentStore().list()).isEmpty();
    assertThat(tmp.resolve("b/overlay/layers").toFile().list()).isEmpty();
  }

  private static byte[] appendEntry(byte[] tar, String name, byte[] data) throws Exception {
    TarBuilder out = new TarBuilder();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        if (e.isDirectory()) {
          out.dir(e.getName());
        } else {
          out.file(e.getName(), in.readAllBytes(), 0644);
        }
      }
    }
    return out.file(name, data, 0644).build();
  }

  /** Rewrites a tar, replacing the content of the entry named {@code name}. */
  private static byte[] rewrite(byte[] tar, String name, java.util.function.UnaryOperator<byte[]> change)
      throws Exception {
    TarBuilder out = new TarBuilder();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        byte[] data = in.readAllBytes();
        if (e.isDirectory()) {
          out.dir(e.getName());
        } else {
          out.file(e.getName(), e.getName().equals(name) ? change.apply(data) : data, 0644);
        }
      }
    }
    return out.build();
  }

  @Test
  void aBlobThatDoesNotMatchItsDigestIsRefusedAndNothingIsKept() throws Exception {
    Stores a = Stores.open(tmp.resolve("a"));
    Image img = a.images().importRootfs(new ByteArrayInputStream(TarBuilder.busyboxRootfs()),
        new ImageStore.ImportOptions("bb:1", List.of("CMD [\"sh\"]"), null, null));
    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    a.images().save(List.of("bb:1"), saved);
    byte[] tampered = rewrite(saved.toByteArray(), "blobs/sha256/" + img.layers().getFirst().hex(),
        b -> new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).replace("root:x:0:0", "root::0:0:")
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    Stores b = Stores.open(tmp.resolve("b"));
    assertThatThrownBy(() -> b.images().load(new ByteArrayInputStream(tampered)))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining(img.layers().getFirst().hex());
    assertThat(b.images().list()).isEmpty();
    assertThat(b.contentStore().list()).isEmpty();
    assertThat(tmp.resolve("b/overlay/layers").toFile().list()).isEmpty();
  }

  @Test
  void anArchiveWithOneBadImageLoadsNoneOfThem() throws Exception {
    Stores a = Stores.open(tmp.resolve("a"));
    Image good = a.images().importRootfs(new ByteArrayInputStream(rootfs()),
        new ImageStore.ImportOptions("good:1", List.of(), null, null));
    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    a.images().save(List.of("good:1"), saved);
    String second = ",{\"Config\":\"blobs/sha256/" + good.id().hex() + "\",\"RepoTags\":[\"bad:1\"],"
        + "\"Layers\":[\"blobs/sha256/" + "0".repeat(64) + "\"]}]";
    byte[] twoImages = rewrite(saved.toByteArray(), "manifest.json", m -> {
      String json = new String(m);
      return (json.substring(0, json.lastIndexOf(']')) + second).getBytes();
    });
    Stores b = Stores.open(tmp.resolve("b"));
    assertThatThrownBy(() -> b.images().load(new ByteArrayInputStream(twoImages)))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("is missing");
    assertThat(b.images().list()).isEmpty();
    assertThatThrownBy(() -> b.images().resolve("good:1")).isInstanceOf(NotFoundException.class);
    assertThat(b.contentStore().list()).isEmpty();
    assertThat(tmp.resolve("b/overlay/layers").toFile().list()).isEmpty();
  }

  @Test
  void importOfSomethingThatIsNotATarKeepsNothing() throws Exception {
    Stores s = Stores.open(tmp.resolve("a"));
    assertThatThrownBy(() -> s.images().importRootfs(new ByteArrayInputStream("garbage ".repeat(200).getBytes()),
        new ImageStore.ImportOptions("g:1", List.of(), null, null))).isInstanceOf(InvalidArgumentException.class);
    assertThat(s.images().list()).isEmpty();
    assertThat(s.contentStore().list()).isEmpty();
  }

  @Test
  void busyboxImportUnpacksAtOnceAndResolvesByIdPrefix() throws Exception {
    Stores s = Stores.open(tmp.resolve("a"));
    Image img = s.images().importRootfs(new ByteArrayInputStream(TarBuilder.gzip(TarBuilder.busyboxRootfs())),
        new ImageStore.ImportOptions("busybox", List.of("ENTRYPOINT /bin/sh", "USER 1000", "VOLUME /data",
            "STOPSIGNAL SIGINT"), null, null));
    assertThat(img.repoTags()).containsExactly("busybox:latest");
    assertThat(img.diffIds()).containsExactly(Digest.sha256(TarBuilder.busyboxRootfs()));
    assertThat(img.config().config().entrypoint()).containsExactly("/bin/sh", "-c", "/bin/sh");
    assertThat(img.config().config().user()).isEqualTo("1000");
    assertThat(img.config().config().volumes()).containsKey("/data");
    assertThat(img.config().config().stopSignal()).isEqualTo("SIGINT");
    Path diff = tmp.resolve("a/overlay/layers").resolve(img.diffIds().getFirst().hex()).resolve("diff");
    assertThat(Files.isExecutable(diff.resolve("bin/busybox"))).as("unpacked at import").isTrue();
    for (String name : List.of("busybox", "busybox:latest", "docker.io/library/busybox:latest", img.id().toString(),
        img.id().hex(), img.id().hex().substring(0, 4), "sha256:" + img.id().hex().substring(0, 12))) {
      assertThat(s.images().resolve(name).id()).as(name).isEqualTo(img.id());
    }
    assertThatThrownBy(() -> s.images().resolve("busybox:other")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> s.images().importRootfs(new ByteArrayInputStream(rootfs()),
        new ImageStore.ImportOptions(null, List.of("EXPOSE eighty"), null, null)))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("eighty");
  }

  @Test
  void pruneRemovesDanglingImagesAndTheirLayers() throws Exception {
    Stores s = Stores.open(tmp.resolve("a"));
    Image kept = s.images().importRootfs(new ByteArrayInputStream(rootfs()),
        new ImageStore.ImportOptions("kept:1", List.of(), null, null));
    Image dangling = s.images().importRootfs(new ByteArrayInputStream(TarBuilder.busyboxRootfs()),
        new ImageStore.ImportOptions(null, List.of(), null, null));
    ImageStore.PruneResult r = s.images().prune(false, id -> false);
    assertThat(r.deleted()).containsExactly(new ImageStore.DeleteItem(null, dangling.id().toString()));
    assertThat(r.spaceReclaimed()).isEqualTo(dangling.size());
    assertThat(s.images().list()).extracting(Image::id).containsExactly(kept.id());
    assertThat(s.contentStore().exists(dangling.layers().getFirst())).isFalse();
    assertThat(tmp.resolve("a/overlay/layers").toFile().list()).containsExactly(kept.diffIds().getFirst().hex());
  }
}
