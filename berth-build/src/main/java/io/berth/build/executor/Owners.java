package io.berth.build.executor;

import io.berth.errdefs.InvalidArgumentException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads user and group ids from an image's /etc/passwd and /etc/group (name:x:id:...). */
final class Owners {
  private Owners() {}

  static String lookup(Path file, String name, String what) {
    String[] f = find(file, name);
    if (f == null) {
      throw new InvalidArgumentException("unable to convert " + what + " " + name + " to an id: no such " + what
          + " in the image's /" + file.getParent().getFileName() + "/" + file.getFileName());
    }
    return f[2];
  }

  static String primaryGroup(Path passwd, String user) {
    String[] f = find(passwd, user);
    if (f == null || f.length < 4) {
      throw new InvalidArgumentException("unable to find user " + user + " in the image's /etc/passwd");
    }
    return f[3];
  }

  private static String[] find(Path file, String name) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      for (String line : Files.readAllLines(file)) {
        String[] f = line.split(":");
        if (f.length >= 3 && f[0].equals(name) && f[2].matches("\\d+")) {
          return f;
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file, e);
    }
  }
}
