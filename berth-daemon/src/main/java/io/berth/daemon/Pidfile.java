package io.berth.daemon;

import io.berth.errdefs.ConflictException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The daemon's pid file: refuses to start a second daemon on the same files while the first
 * one lives, and replaces a stale file left by a daemon that died. Inside a root this daemon
 * holds the lock of ({@code roots.RootLock}), any pid file is stale by that fact alone; the
 * guess from the process table is only for a pid file elsewhere, where a pid reused by another
 * Java process after a {@code kill -9} would otherwise keep berthd from starting.
 */
final class Pidfile {
  private final Path path;

  private Pidfile(Path path) {
    this.path = path;
  }

  static Pidfile acquire(Path path, boolean inLockedRoot) throws IOException {
    if (!inLockedRoot && Files.exists(path)) {
      String old = Files.readString(path).trim();
      if (old.matches("\\d+") && Files.exists(Path.of("/proc", old))
          && Long.parseLong(old) != ProcessHandle.current().pid()
          && ProcessHandle.of(Long.parseLong(old)).map(p -> p.info().command().orElse("")
              .contains("java")).orElse(false)) {
        throw new ConflictException("pid file found, ensure berthd is not running or delete " + path
            + " (held by pid " + old + ")");
      }
    }
    Files.createDirectories(path.getParent());
    Files.writeString(path, ProcessHandle.current().pid() + "\n");
    return new Pidfile(path);
  }

  void release() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // best effort at exit
    }
  }
}
