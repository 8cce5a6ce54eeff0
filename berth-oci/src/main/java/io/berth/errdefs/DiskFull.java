package io.berth.errdefs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.util.Map;

/**
 * A write the file system refused for want of room: ENOSPC, or EDQUOT where a quota is used up.
 * The JDK reports both only as strerror text ({@code No space left on device}); Docker answers
 * with Go's spelling of the same errno ({@code no space left on device}, HTTP 500), which is what
 * users and scripts look for, so a full disk is named that way wherever it surfaces.
 */
public final class DiskFull {
  /** The JDK's (strerror) text of each errno, and Go's. */
  private static final Map<String, String> TEXTS = Map.of(
      "No space left on device", "no space left on device",
      "Disk quota exceeded", "disk quota exceeded");
  private static final int MAX_DEPTH = 8;

  private DiskFull() {}

  /** Whether {@code e} or one of its causes is a file system out of room. */
  public static boolean is(Throwable e) {
    int depth = 0;
    for (Throwable t = e; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
      String text = t instanceof FileSystemException f ? f.getReason() : t.getMessage();
      if (text != null && TEXTS.values().stream().anyMatch(goText(text)::endsWith)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The failure of {@code what} as the error to throw: a full disk is {@link UnavailableException}
   * (HTTP 500, as Docker) saying so; any other I/O error stays an UncheckedIOException.
   */
  public static RuntimeException orUnchecked(String what, IOException e) {
    return is(e) ? new UnavailableException(what + ": " + ErrorText.of(e), e) : new UncheckedIOException(what, e);
  }

  /** {@code e} itself, or an {@link UnavailableException} naming {@code what} when the disk is full. */
  public static RuntimeException named(String what, RuntimeException e) {
    return is(e) && !(e instanceof UnavailableException) ? new UnavailableException(what + ": " + ErrorText.of(e), e) : e;
  }

  /** Go's text for the JDK's, or {@code text} itself. */
  static String goText(String text) {
    for (Map.Entry<String, String> t : TEXTS.entrySet()) {
      if (text.endsWith(t.getKey())) {
        return text.substring(0, text.length() - t.getKey().length()) + t.getValue();
      }
    }
    return text;
  }
}
