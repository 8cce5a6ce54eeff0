package io.berth.registry;

import java.util.regex.Pattern;

/**
 * Repository names and tags as the distribution spec defines them. A name becomes directories
 * of the storage, so anything outside the grammar ({@code ..}, empty segments, upper case,
 * other characters) is refused before it reaches the file system.
 */
final class RepositoryName {
  private static final Pattern NAME = Pattern.compile(
      "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

  private RepositoryName() {}

  static String check(String name) {
    if (name == null || name.length() > 255 || !NAME.matcher(name).matches()) {
      throw RegistryError.nameInvalid(name);
    }
    return name;
  }

  static boolean isTag(String s) {
    return TAG.matcher(s).matches();
  }
}
