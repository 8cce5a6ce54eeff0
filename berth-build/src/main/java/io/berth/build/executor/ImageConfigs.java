package io.berth.build.executor;

import io.berth.oci.ContainerConfig;
import io.berth.oci.Digest;
import io.berth.oci.ImageConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The configs a build's steps produce, as Docker's classic builder writes them: a config-only
 * step keeps its parent's layers and adds an empty-layer history entry, a RUN or COPY adds one
 * layer and its history entry; both carry the stage's run-time settings.
 */
final class ImageConfigs {
  private ImageConfigs() {}

  /** FROM scratch: no layers, no settings. */
  static ImageConfig scratch() {
    return new ImageConfig(null, null, "amd64", "linux", null, new ImageConfig.RootFs("layers", List.of()), List.of());
  }

  /** A step that changes only settings ({@code step} as history shows it, after {@code #(nop)}). */
  static ImageConfig withSettings(ImageConfig parent, ContainerConfig settings, String step, String now) {
    List<ImageConfig.History> history = history(parent);
    history.add(new ImageConfig.History(now, "/bin/sh -c #(nop)  " + step, null, null, true));
    return new ImageConfig(now, parent.author(), parent.architecture(), parent.os(), settings, parent.rootfs(), history);
  }

  /** A step that adds {@code layer}; {@code createdBy} is its history line. */
  static ImageConfig withLayer(ImageConfig parent, Digest layer, ContainerConfig settings, String createdBy,
      String now) {
    List<String> diffIds = new ArrayList<>(parent.rootfs() == null || parent.rootfs().diffIds() == null ? List.of()
        : parent.rootfs().diffIds());
    diffIds.add(layer.toString());
    List<ImageConfig.History> history = history(parent);
    history.add(new ImageConfig.History(now, createdBy, null, null, null));
    return new ImageConfig(now, parent.author(), parent.architecture() == null ? "amd64" : parent.architecture(),
        parent.os() == null ? "linux" : parent.os(), settings, new ImageConfig.RootFs("layers", diffIds), history);
  }

  private static List<ImageConfig.History> history(ImageConfig parent) {
    return new ArrayList<>(parent.history() == null ? List.of() : parent.history());
  }
}
