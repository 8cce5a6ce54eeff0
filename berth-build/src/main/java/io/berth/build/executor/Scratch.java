package io.berth.build.executor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A build's private scratch directories (COPY staging, ADD downloads) under the directory its
 * host gives it: the daemon's is closed to other users and emptied at start, unlike the host's
 * /tmp, where a killed daemon's files would stay.
 */
final class Scratch {
  private final Path root;

  Scratch(Path root) {
    this.root = root;
  }

  /** A new directory for one step. */
  Path dir(String prefix) {
    try {
      return Files.createTempDirectory(Files.createDirectories(root), prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("making a build scratch directory in " + root, e);
    }
  }

  /** Removes a step's directory; what cannot be removed is left for the host's start-up sweep. */
  static void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // a scratch directory; the next build uses another
    }
  }
}
