package io.berth.compose;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Compose's durations ({@code 1m30s}, {@code 500ms}) and byte sizes ({@code 512m}, {@code 1g}). */
final class Units {
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
  private static final Pattern BYTES = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)b?", Pattern.CASE_INSENSITIVE);

  private Units() {}

  static long nanos(String s, String path) {
    String t = s.strip();
    if (t.matches("\\d+")) {
      return Long.parseLong(t) * 1_000_000_000L; // a bare number is seconds
    }
    Matcher m = DURATION_PART.matcher(t);
    long total = 0;
    int at = 0;
    while (m.find() && m.start() == at) {
      double v = Double.parseDouble(m.group(1));
      total += (long) (v * switch (m.group(2)) {
        case "ns" -> 1L;
        case "us", "µs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      });
      at = m.end();
    }
    if (at != t.length() || t.isEmpty()) {
      throw new ComposeException(path + ": invalid duration \"" + s + "\" (e.g. 30s, 1m30s, 500ms)");
    }
    return total;
  }

  static long bytes(String s, String path) {
    Matcher m = BYTES.matcher(s.strip());
    if (!m.matches()) {
      throw new ComposeException(path + ": invalid size \"" + s + "\" (e.g. 512m, 1g, 1048576)");
    }
    double v = Double.parseDouble(m.group(1));
    long mult = switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "k" -> 1L << 10;
      case "m" -> 1L << 20;
      case "g" -> 1L << 30;
      case "t" -> 1L << 40;
      default -> 1L;
    };
    return (long) (v * mult);
  }
}
