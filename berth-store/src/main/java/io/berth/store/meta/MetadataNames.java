package io.berth.store.meta;

import io.berth.errdefs.InvalidArgumentException;
import java.util.regex.Pattern;

/**
 * The names a bucket or key may have, one rule for every {@link MetadataStore}: a letter or digit,
 * then up to 254 of letters, digits and {@code _.:@-}. Such a name is a file name on every file
 * system and never a path, so no record can be written outside its bucket.
 */
public final class MetadataNames {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:@-]{0,254}");

  private MetadataNames() {}

  /** {@code name} when it is allowed, otherwise InvalidArgumentException. */
  public static String checked(String name) {
    if (name == null || !SAFE.matcher(name).matches()) {
      throw new InvalidArgumentException("invalid metadata name: " + name);
    }
    return name;
  }
}
