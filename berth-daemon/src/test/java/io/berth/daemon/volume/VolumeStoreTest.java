package io.berth.daemon.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.store.meta.FileMetadataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumeStoreTest {
  @TempDir Path tmp;
  private VolumeStore store;

  @BeforeEach
  void open() {
    store = new VolumeStore(tmp.resolve("volumes"), new FileMetadataStore(tmp.resolve("meta")));
  }

  @AfterEach
  void unmountAll() {
    for (ObjectNode v : store.list()) {
      LocalVolumeOptions.unmount(store.dataDir(v.path("Name").asText()));
    }
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  @Test
  void createLooksLikeDockersVolume() {
    ObjectNode v = store.create("data", Map.of("team", "red"), Map.of(), false);
    assertThat(v.path("Name").asText()).isEqualTo("data");
    assertThat(v.path("Driver").asText()).isEqualTo("local");
    assertThat(v.path("Scope").asText()).isEqualTo("local");
    assertThat(v.path("Mountpoint").asText()).isEqualTo(tmp.resolve("volumes/data/_data").toString());
    assertThat(v.path("CreatedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)");
    assertThat(v.path("Labels").path("team").asText()).isEqualTo("red");
    assertThat(v.path("Options").isObject()).isTrue();
    assertThat(v.has("UsageData")).isFalse();
    assertThat(Files.isDirectory(store.dataDir("data"))).isTrue();
    // the same name again returns the volume as it is
    assertThat(store.create("data", Map.of(), Map.of("type", "tmpfs", "device", "tmpfs"), false)).isEqualTo(v);
  }

  @Test
  void anonymousVolumesGetARandomHexNameAndTheLabel() {
    ObjectNode v = store.create("", Map.of(), Map.of(), true);
    assertThat(v.path("Name").asText()).matches("[0-9a-f]{64}");
    assertThat(VolumeStore.anonymous(v)).isTrue();
  }

  @Test
  void badNamesAndOptionsCreateNothing() {
    assertThatThrownBy(() -> store.create("a/b", Map.of(), Map.of(), false))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("invalid characters");
    assertThatThrownBy(() -> store.create("bad", Map.of(), Map.of("type", "tmpfs"), false))
        .hasMessage("create bad: missing required option: \"device\" (given with \"type\")");
    assertThat(store.list()).isEmpty();
    assertThat(tmp.resolve("volumes/bad")).doesNotExist();
  }

  @Test
  void removeRefusesVolumesInUseNamingTheContainers() {
    store.create("busy", Map.of(), Map.of(), false);
    assertThatThrownBy(() -> store.removeUnused("busy", false, n -> List.of("c1", "c2")))
        .isInstanceOf(ConflictException.class).hasMessage("remove busy: volume is in use - [c1, c2]");
    assertThatThrownBy(() -> store.removeUnused("busy", true, n -> List.of("c1")))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> store.removeUnused("nope", false, n -> List.of())).isInstanceOf(NotFoundException.class);
    store.removeUnused("nope", true, n -> List.of());
    store.removeUnused("busy", false, n -> List.of());
    assertThat(store.exists("busy")).isFalse();
    assertThat(tmp.resolve("volumes/busy")).doesNotExist();
  }

  @Test
  void pruneRemovesSelectedUnusedVolumesAndCountsBytes() throws Exception {
    store.create("keep", Map.of(), Map.of(), false);
    store.create("used", Map.of(), Map.of(), true);
    String anon = store.create("", Map.of(), Map.of(), true).path("Name").asText();
    Files.write(store.dataDir(anon).resolve("f"), new byte[1000]);
    VolumeStore.PruneReport r = store.prune(VolumeStore::anonymous, n -> n.equals("used") ? List.of("c") : List.of());
    assertThat(r.removed()).containsExactly(anon);
    assertThat(r.reclaimed()).isEqualTo(1000);
    assertThat(store.list()).extracting(v -> v.path("Name").asText()).containsExactly("keep", "used");
  }

  @Test
  void tmpfsVolumeIsMountedOnUseAndGoneAfterUnmount() throws Exception {
    assumeTrue(root(), "mounting needs root");
    store.create("scratch", Map.of(), Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=1m,mode=0750"), false);
    Path data = store.mount("scratch");
    assertThat(LocalVolumeOptions.isMounted(data)).isTrue();
    assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).anyMatch(l -> l.contains(" " + data + " ")
        && l.contains(" - tmpfs tmpfs ") && l.contains("size=1024k"));
    Files.writeString(data.resolve("f"), "x");
    store.mount("scratch"); // again: no second mount on top
    store.unmount("scratch");
    assertThat(LocalVolumeOptions.isMounted(data)).isFalse();
    assertThat(data.resolve("f")).doesNotExist();
  }

  @Test
  void bindVolumeShowsHostFilesAndRemovingItKeepsThem() throws Exception {
    assumeTrue(root(), "mounting needs root");
    Path host = Files.createDirectories(tmp.resolve("host"));
    Files.writeString(host.resolve("kept"), "hi");
    store.create("hostdir", Map.of(), Map.of("type", "none", "o", "bind", "device", host.toString()), false);
    Path data = store.mount("hostdir");
    assertThat(Files.readString(data.resolve("kept"))).isEqualTo("hi");
    store.removeUnused("hostdir", false, n -> List.of());
    assertThat(Files.readString(host.resolve("kept"))).isEqualTo("hi");
    assertThat(tmp.resolve("volumes/hostdir")).doesNotExist();
  }

  @Test
  void readOnlyBindVolumeIsReadOnly() throws Exception {
    assumeTrue(root(), "mounting needs root");
    Path host = Files.createDirectories(tmp.resolve("ro-host"));
    store.create("ro", Map.of(), Map.of("type", "none", "o", "bind,ro", "device", host.toString()), false);
    Path data = store.mount("ro");
    assertThatThrownBy(() -> Files.writeString(data.resolve("x"), "x")).hasMessageContaining("Read-only");
    store.unmount("ro");
  }
}
