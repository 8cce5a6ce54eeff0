package io.berth.store.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.AlreadyExistsException;
import io.berth.errdefs.NotFoundException;
import io.berth.oci.Digest;
import io.berth.store.content.ContentStore;
import io.berth.store.content.FileContentStore;
import io.berth.store.layer.LayerApplier;
import io.berth.store.layer.LayerDiffWriter;
import io.berth.store.layer.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import io.berth.store.AllAtOnce;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link Snapshotter} promises, run against each implementation (a subclass says how to
 * make one over a content store). The overlay snapshotter and the in-memory one must both pass;
 * the mounts are real for overlay (the tests run as root, as berthd does).
 */
public abstract class SnapshotterConformance {
  @TempDir Path tmp;
  private final List<Path> mounted = new ArrayList<>();
  private ContentStore content;
  private Snapshotter snapshotter;

  /** A new snapshotter keeping its files under {@code dir}, unpacking layers from {@code content}. */
  protected abstract Snapshotter newSnapshotter(Path dir, ContentStore content) throws Exception;

  @BeforeEach
  void open() throws Exception {
    content = new FileContentStore(tmp.resolve("content"));
    snapshotter = newSnapshotter(tmp.resolve("snapshots"), content);
  }

  @AfterEach
  void unmountAll() {
    mounted.forEach(snapshotter::unmount);
  }

  private RootfsLayers layers(byte[]... tars) {
    List<Digest> ds = new ArrayList<>();
    for (byte[] t : tars) {
      ds.add(content.ingest(new ByteArrayInputStream(t), null));
    }
    return RootfsLayers.of(ds);
  }

  private RootfsLayers twoLayers() throws Exception {
    return layers(
        new TarBuilder().dir("etc").file("etc/passwd", "root\n", 0644).file("etc/motd", "one\n", 0644)
            .file("etc/group", "g\n", 0644).dir("tmp").build(),
        new TarBuilder().file("etc/motd", "two\n", 0644).file("etc/.wh.group", "", 0644).build());
  }

  private Path mount(String key, String where) {
    Path m = tmp.resolve(where);
    mounted.add(m);
    snapshotter.mount(key, m);
    return m;
  }

  @Test
  void aMountShowsTheLayersStackedAndWritesLandInTheKeysOwnChanges() throws Exception {
    RootfsLayers img = twoLayers();
    snapshotter.prepare("c1", img);
    snapshotter.prepare("c2", img);
    assertThat(snapshotter.keys()).containsExactlyInAnyOrder("c1", "c2");
    assertThat(snapshotter.usage("c1")).as("nothing written yet").isZero();
    Path root = mount("c1", "m1");
    assertThat(Files.readString(root.resolve("etc/passwd"))).isEqualTo("root\n");
    assertThat(Files.readString(root.resolve("etc/motd"))).as("the top layer wins").isEqualTo("two\n");
    assertThat(Files.exists(root.resolve("etc/group"), LinkOption.NOFOLLOW_LINKS)).as("whited out").isFalse();
    Files.writeString(root.resolve("tmp/new"), "written by c1");
    snapshotter.mount("c1", root); // mounted already: nothing changes
    assertThat(Files.readString(root.resolve("tmp/new"))).isEqualTo("written by c1");
    assertThat(snapshotter.usage("c1")).isEqualTo("written by c1".length());
    assertThat(Files.readString(snapshotter.changes("c1").resolve("tmp/new"))).isEqualTo("written by c1");
    assertThat(snapshotter.changes("c1").resolve("etc/passwd")).as("layers are not changes").doesNotExist();
    Path other = mount("c2", "m2");
    assertThat(other.resolve("tmp/new")).as("another key on the same layers").doesNotExist();
  }

  @Test
  void changesAreALayerOfWhatTheKeyWroteAndDeleted() throws Exception {
    snapshotter.prepare("c", twoLayers());
    Path root = mount("c", "m");
    Files.writeString(root.resolve("tmp/new"), "n");
    Files.delete(root.resolve("etc/passwd"));
    ByteArrayOutputStream layer = new ByteArrayOutputStream();
    LayerDiffWriter.write(snapshotter.changes("c"), layer);
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(layer.toByteArray()))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        if (!e.isDirectory()) {
          names.add(e.getName());
        }
      }
    }
    assertThat(names).containsExactlyInAnyOrder("etc/.wh.passwd", "tmp/new");
  }

  @Test
  void changesOutliveTheMount() throws Exception {
    snapshotter.prepare("c", twoLayers());
    Path root = mount("c", "first");
    Files.writeString(root.resolve("tmp/kept"), "k");
    Files.delete(root.resolve("etc/motd"));
    snapshotter.unmount(root);
    mounted.remove(root);
    assertThat(root.resolve("tmp/kept")).as("unmounted").doesNotExist();
    Path again = mount("c", "second");
    assertThat(Files.readString(again.resolve("tmp/kept"))).isEqualTo("k");
    assertThat(again.resolve("etc/motd")).doesNotExist();
    assertThat(Files.readString(again.resolve("etc/passwd"))).isEqualTo("root\n");
  }

  @Test
  void diffListsAddedModifiedAndDeletedPathsAgainstTheLayers() throws Exception {
    RootfsLayers img = layers(new TarBuilder().dir("etc").file("etc/passwd", "root\n", 0644)
            .file("etc/group", "g\n", 0644).dir("opq").file("opq/old1", "1", 0644).file("opq/old2", "2", 0644)
            .dir("gone").file("gone/x", "x", 0644).dir("same").file("same/f", "f", 0644).build(),
        new TarBuilder().file("etc/.wh.group", "", 0644).build());
    snapshotter.prepare("d", img);
    Path root = mount("d", "m");
    assertThat(snapshotter.diff("d", Set.of())).as("nothing changed yet").isEmpty();
    Files.writeString(root.resolve("new"), "n");
    Files.writeString(root.resolve("etc/passwd"), "more\n", StandardOpenOption.APPEND);
    Files.writeString(root.resolve("etc/group"), "again\n"); // the layers deleted it: an addition
    Files.writeString(root.resolve("etc/hosts"), "runtime's"); // a mount point the caller ignores
    LayerApplier.deleteTree(root.resolve("gone"));
    LayerApplier.deleteTree(root.resolve("opq"));
    Files.createDirectories(root.resolve("opq"));
    Files.writeString(root.resolve("opq/fresh"), "f");
    Files.createDirectories(root.resolve("added/deep"));
    Files.writeString(root.resolve("added/deep/f"), "f");
    Files.readString(root.resolve("same/f"));
    List<String> got = snapshotter.diff("d", Set.of("/etc/hosts")).stream()
        .map(c -> c.kind().ordinal() + " " + c.path()).toList();
    assertThat(got).containsExactly("1 /added", "1 /added/deep", "1 /added/deep/f", "0 /etc", "1 /etc/group",
        "0 /etc/passwd", "2 /gone", "1 /new", "0 /opq", "1 /opq/fresh", "2 /opq/old1", "2 /opq/old2");
  }

  @Test
  void aKeyIsPreparedOnce() throws Exception {
    RootfsLayers img = twoLayers();
    snapshotter.prepare("dup", img);
    Files.writeString(mount("dup", "m").resolve("tmp/mine"), "x");
    assertThatThrownBy(() -> snapshotter.prepare("dup", img)).isInstanceOf(AlreadyExistsException.class)
        .hasMessageContaining("dup");
    assertThat(snapshotter.usage("dup")).as("the first one's changes stay").isEqualTo(1);
  }

  @Test
  void aLayerTheContentStoreLacksIsNotFoundAndNoKeyIsLeft() throws Exception {
    Digest stored = content.ingest(new ByteArrayInputStream(new TarBuilder().file("a", "a", 0644).build()), null);
    Digest missing = Digest.sha256("never stored".getBytes());
    assertThatThrownBy(() -> snapshotter.prepare("k", RootfsLayers.of(List.of(stored, missing))))
        .isInstanceOf(NotFoundException.class).hasMessageContaining(missing.toString());
    assertThat(snapshotter.keys()).isEmpty();
    snapshotter.prepare("k", RootfsLayers.of(List.of(stored))); // the key is free
    assertThat(snapshotter.keys()).containsExactly("k");
  }

  @Test
  void unknownKeysAreNotFoundWhereAnAnswerIsNeededAndNoErrorWhereNot() throws Exception {
    assertThatThrownBy(() -> snapshotter.mount("nope", tmp.resolve("m"))).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("nope");
    assertThatThrownBy(() -> snapshotter.diff("nope", Set.of())).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> snapshotter.changes("nope")).isInstanceOf(NotFoundException.class);
    assertThat(snapshotter.usage("nope")).isZero();
    snapshotter.remove("nope");
    snapshotter.unmount(tmp.resolve("no-such-dir"));
    snapshotter.unmount(Files.createDirectories(tmp.resolve("plain-dir")));
    assertThat(snapshotter.keys()).isEmpty();
  }

  @Test
  void aRemovedKeyIsGone() throws Exception {
    snapshotter.prepare("r", twoLayers());
    Path root = mount("r", "m");
    snapshotter.unmount(root);
    mounted.remove(root);
    snapshotter.remove("r");
    assertThat(snapshotter.keys()).isEmpty();
    assertThatThrownBy(() -> snapshotter.mount("r", root)).isInstanceOf(NotFoundException.class);
    snapshotter.prepare("r", twoLayers()); // the key can be used again, afresh
    assertThat(snapshotter.usage("r")).isZero();
  }

  @Test
  void noLayersIsAnEmptyWritableRoot() throws Exception {
    snapshotter.prepare("empty", RootfsLayers.of(List.of()));
    Path root = mount("empty", "m");
    assertThat(root.toFile().list()).isEmpty();
    Files.writeString(root.resolve("f"), "x");
    assertThat(root.toFile().list()).containsExactly("f");
    assertThat(snapshotter.diff("empty", Set.of())).extracting(OverlayChanges.Change::path).containsExactly("/f");
  }

  @Test
  void keysOnSharedLayersArePreparedSideBySide() throws Exception {
    RootfsLayers img = twoLayers();
    int n = 6;
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String key = "p" + i;
      tasks.add(() -> {
        snapshotter.prepare(key, img);
        return null;
      });
    }
    AllAtOnce.run(tasks);
    assertThat(snapshotter.keys()).hasSize(n);
    assertThat(Files.readString(mount("p5", "m").resolve("etc/motd"))).isEqualTo("two\n");
  }
}
