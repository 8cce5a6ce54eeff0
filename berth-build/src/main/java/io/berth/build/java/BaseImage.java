package io.berth.build.java;

import io.berth.oci.ImageConfig;
import java.util.List;

/** The image the application is layered on: its config and its layers, in order. */
public record BaseImage(String name, ImageConfig config, List<BlobSource> layers) {
  /** {@code FROM scratch}: nothing below the application (the JVM must then come from elsewhere). */
  public static BaseImage scratch() {
    return new BaseImage("scratch", new ImageConfig(null, null, "amd64", "linux", null,
        new ImageConfig.RootFs("layers", List.of()), List.of()), List.of());
  }
}
