package io.berth.daemon.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API version a request was made with, read from its {@code /vX.Y} path prefix: routes that
 * answer older clients as dockerd answered them (fields since dropped, changed defaults) ask it.
 * A request without the prefix speaks the newest version.
 */
final class ApiVersion {
  private static final Pattern VERSION = Pattern.compile("^/v(\\d+)\\.(\\d+)/.*");

  private ApiVersion() {}

  /** True when the request's path names an API version older than 1.{@code minor}. */
  static boolean before(String rawPath, int minor) {
    Matcher m = VERSION.matcher(rawPath == null ? "" : rawPath);
    if (!m.matches()) {
      return false;
    }
    int major = Integer.parseInt(m.group(1));
    return major < 1 || (major == 1 && Integer.parseInt(m.group(2)) < minor);
  }
}
