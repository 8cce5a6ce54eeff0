package io.berth.build.dockerfile;

import io.berth.errdefs.InvalidArgumentException;

/**
 * Builds the one error shape every Dockerfile mistake has: file, line, what is wrong and the
 * offending text, so a user can find it without reading the whole file again.
 */
final class SyntaxErrors {
  private SyntaxErrors() {}

  static InvalidArgumentException at(String file, int line, String text, String problem) {
    String shown = text.length() > 120 ? text.substring(0, 117) + "..." : text;
    return new InvalidArgumentException("dockerfile parse error on " + file + ":" + line + ": " + problem
        + " (in: " + shown.strip() + ")");
  }
}
