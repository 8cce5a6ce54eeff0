package io.berth.cli.lab;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Berth checkout this CLI runs from: lab nodes run its {@code bin/berthd} and the lab's
 * registry its {@code bin/berth}, so a lab always runs the code that was just built.
 */
final class Checkout {
  private Checkout() {}

  static Path bin(String tool) {
    Path jar;
    try {
      jar = Path.of(Checkout.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      throw new LabException("cannot tell where the berth CLI runs from: " + e.getMessage());
    }
    // berth-cli/target/berth-cli.jar (or berth-cli/target/classes in a build) -> the checkout
    Path root = jar.getParent() == null ? null : jar.getParent().getParent();
    root = root == null ? null : root.getParent();
    Path bin = root == null ? null : root.resolve("bin").resolve(tool);
    if (bin == null || !Files.isExecutable(bin)) {
      throw new LabException("cannot find bin/" + tool + " next to " + jar + ": berth lab runs from a built checkout");
    }
    return bin;
  }
}
