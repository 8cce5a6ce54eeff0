package io.berth.daemon.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.InvalidArgumentException;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class VolumeFiltersTest {
  private static ObjectNode vol(String name, String... labels) {
    ObjectNode v = RecordJson.object().put("Name", name).put("Driver", "local").put("Scope", "local");
    ObjectNode l = v.putObject("Labels");
    for (String kv : labels) {
      int eq = kv.indexOf('=');
      l.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
    }
    return v;
  }

  private static final List<ObjectNode> ALL = List.of(vol("red", "team=red", "tier=db"), vol("blue", "team=blue"),
      vol("c0ffee", VolumeStore.ANONYMOUS), vol("idle"));

  private static JsonNode f(String json) throws Exception {
    return RecordJson.MAPPER.readTree(json);
  }

  private static List<String> names(Predicate<ObjectNode> p) {
    return ALL.stream().filter(p).map(v -> v.path("Name").asText()).toList();
  }

  @Test
  void listFilters() throws Exception {
    Predicate<String> inUse = Set.of("red")::contains;
    assertThat(names(VolumeFilters.list(f("{}"), inUse))).containsExactly("red", "blue", "c0ffee", "idle");
    assertThat(names(VolumeFilters.list(f("{\"name\":[\"e\"]}"), inUse))).containsExactly("red", "blue", "c0ffee", "idle");
    assertThat(names(VolumeFilters.list(f("{\"name\":{\"^re\":true}}"), inUse))).containsExactly("red");
    assertThat(names(VolumeFilters.list(f("{\"label\":[\"team\"]}"), inUse))).containsExactly("red", "blue");
    assertThat(names(VolumeFilters.list(f("{\"label\":[\"team=red\",\"tier=db\"]}"), inUse))).containsExactly("red");
    assertThat(names(VolumeFilters.list(f("{\"label\":[\"team=red\",\"tier=web\"]}"), inUse))).isEmpty();
    assertThat(names(VolumeFilters.list(f("{\"dangling\":[\"true\"]}"), inUse))).containsExactly("blue", "c0ffee", "idle");
    assertThat(names(VolumeFilters.list(f("{\"dangling\":[\"0\"]}"), inUse))).containsExactly("red");
    assertThat(names(VolumeFilters.list(f("{\"driver\":[\"nfs\"]}"), inUse))).isEmpty();
  }

  @Test
  void badListFiltersAreRefused() throws Exception {
    JsonNode bad = f("{\"colour\":[\"red\"]}");
    assertThatThrownBy(() -> VolumeFilters.list(bad, v -> false)).isInstanceOf(InvalidArgumentException.class)
        .hasMessage("invalid filter 'colour'");
    JsonNode dangling = f("{\"dangling\":[\"maybe\"]}");
    assertThatThrownBy(() -> VolumeFilters.list(dangling, v -> false)).hasMessageContaining("invalid filter 'dangling=maybe'");
  }

  @Test
  void pruneTakesAnonymousVolumesUnlessAllOrAnOldClient() throws Exception {
    assertThat(names(VolumeFilters.prune(f("{}"), false))).containsExactly("c0ffee");
    assertThat(names(VolumeFilters.prune(f("{\"all\":[\"true\"]}"), false))).containsExactly("red", "blue", "c0ffee", "idle");
    assertThat(names(VolumeFilters.prune(f("{}"), true))).containsExactly("red", "blue", "c0ffee", "idle");
    assertThat(names(VolumeFilters.prune(f("{\"all\":[\"1\"],\"label\":[\"team\"]}"), false))).containsExactly("red", "blue");
    assertThat(names(VolumeFilters.prune(f("{\"all\":[\"1\"],\"label!\":[\"team=red\"]}"), false)))
        .containsExactly("blue", "c0ffee", "idle");
    JsonNode dangling = f("{\"dangling\":[\"true\"]}");
    assertThatThrownBy(() -> VolumeFilters.prune(dangling, false)).hasMessage("invalid filter 'dangling'");
    JsonNode all = f("{\"all\":[\"yes\"]}");
    assertThatThrownBy(() -> VolumeFilters.prune(all, false)).hasMessageContaining("invalid filter 'all=yes'");
  }
}
