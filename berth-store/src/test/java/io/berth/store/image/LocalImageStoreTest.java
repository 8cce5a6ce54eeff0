package io.berth.store.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.store.Stores;
import io.berth.store.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
}
