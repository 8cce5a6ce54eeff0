package io.berth.build.executor;

import io.berth.oci.Digest;
import io.berth.oci.ImageConfig;
import java.util.List;

/**
 * An image as the builder sees it: its id (the config digest) and its config, whose rootfs names
 * its layers. Every step of a build ends in one; it is what the step cache points at and what a
 * later step runs in or copies from.
 */
public record BuildImage(Digest id, ImageConfig config) {

  /** The layers, bottom first, by uncompressed digest (none for scratch). */
  public List<Digest> diffIds() {
    return diffIds(config);
  }

  /** The layers a config's rootfs names, bottom first. */
  public static List<Digest> diffIds(ImageConfig config) {
    ImageConfig.RootFs rootfs = config.rootfs();
    return rootfs == null || rootfs.diffIds() == null ? List.of() : rootfs.diffIds().stream().map(Digest::parse).toList();
  }
}
