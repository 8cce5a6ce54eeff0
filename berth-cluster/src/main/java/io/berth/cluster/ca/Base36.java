package io.berth.cluster.ca;

import java.math.BigInteger;

/**
 * Fixed-width base-36 text of a non-negative number, the alphabet swarmkit's join tokens use for
 * the CA digest (50 characters hold 256 bits) and the secret (25 characters hold 128 bits).
 */
final class Base36 {
  private Base36() {}

  /** {@code value} in lower-case base 36, left-padded with zeros to {@code width}. */
  static String encode(BigInteger value, int width) {
    String text = value.toString(36);
    if (text.length() > width) {
      throw new IllegalArgumentException("value needs " + text.length() + " base36 digits, more than " + width);
    }
    return "0".repeat(width - text.length()) + text;
  }

  /** The number {@code text} spells, or null when it holds a character outside [0-9a-z]. */
  static BigInteger decode(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
        return null;
      }
    }
    return new BigInteger(text, 36);
  }
}
