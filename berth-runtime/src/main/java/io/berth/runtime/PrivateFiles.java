package io.berth.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes files that only root may read. A container's runtime config and its exec specs carry
 * the environment it was given ({@code -e DB_PASSWORD=...}), which no other host user may see:
 * the file is born 0600 beside its target and renamed over it, so it is never readable by
 * others, not even for the instant a chmod after the write would leave open.
 */
final class PrivateFiles {
  private PrivateFiles() {}

  static void write(Path file, byte[] content) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName() + "-", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.write(tmp, content);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
