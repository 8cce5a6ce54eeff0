package io.berth.network;

import io.berth.errdefs.UnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel settings the bridge needs, written straight to {@code /proc/sys} (no sysctl
 * binary needed). Only written when different, so init() on a configured host changes nothing.
 */
final class Sysctl {
  private Sysctl() {}

  /**
   * Sets e.g. {@code net/ipv4/ip_forward} to {@code 1}; the key is in path form because
   * interface names may contain dots.
   */
  static void set(String key, String value) {
    Path p = Path.of("/proc/sys", key);
    try {
      if (Files.readString(p).trim().equals(value)) {
        return;
      }
      Files.writeString(p, value);
    } catch (IOException e) {
      throw new UnavailableException("cannot set sysctl " + key + "=" + value + " (" + p + "): " + e);
    }
  }

  static String get(String key) {
    Path p = Path.of("/proc/sys", key);
    try {
      return Files.readString(p).trim();
    } catch (IOException e) {
      throw new UnavailableException("cannot read sysctl " + key + " (" + p + "): " + e);
    }
  }
}
