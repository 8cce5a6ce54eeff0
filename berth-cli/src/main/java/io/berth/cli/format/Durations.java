package io.berth.cli.format;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations ({@code 1m30s}, {@code 500ms}) in nanoseconds, as docker's flags take them. */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|ms|s|m|h)");

  private Durations() {}

  /** Nanoseconds of a Go duration, or -1 when {@code s} is not one. */
  static long tryNanos(String s) {
    try {
      return nanos(s, "duration");
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  public static long nanos(String s, String flag) {
    if (s.equals("0")) {
      return 0; // Go's one unitless duration
    }
    if (!s.matches("(\\d+(\\.\\d+)?(ns|us|ms|s|m|h))+")) {
      throw new IllegalArgumentException("invalid argument \"" + s + "\" for \"" + flag
          + "\" flag: time: invalid duration \"" + s + "\"");
    }
    Matcher m = PART.matcher(s);
    double total = 0;
    while (m.find()) {
      double n = Double.parseDouble(m.group(1));
      total += n * switch (m.group(2)) {
        case "ns" -> 1;
        case "us" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
    }
    return (long) total;
  }
}
