package io.berth.it;

import java.nio.charset.StandardCharsets;

/** Finding a text in raw bytes (a tar, a packet capture): what the tests look for in what they read. */
final class Bytes {
  private Bytes() {}

  /** Whether {@code haystack} holds {@code needle}'s ASCII bytes anywhere. */
  static boolean contains(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + n.length <= haystack.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (haystack[i + j] != n[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
