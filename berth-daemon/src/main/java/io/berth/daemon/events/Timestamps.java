package io.berth.daemon.events;

import io.berth.errdefs.InvalidArgumentException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Docker's time arguments ({@code since}, {@code until} of events, logs and container filters):
 * unix seconds with optional fraction, RFC 3339, or a Go duration relative to now ({@code 10m},
 * {@code 1h30m}).
 */
public final class Timestamps {
  private Timestamps() {}

  public static Instant parse(String v) {
    if (v == null || v.isEmpty()) {
      return null;
    }
    if (v.matches("\\d+(\\.\\d+)?")) {
      int dot = v.indexOf('.');
      long sec = Long.parseLong(dot < 0 ? v : v.substring(0, dot));
      long nanos = 0;
      if (dot >= 0) {
        String frac = (v.substring(dot + 1) + "000000000").substring(0, 9);
        nanos = Long.parseLong(frac);
      }
      return Instant.ofEpochSecond(sec, nanos);
    }
    try {
      return OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException e) {
      // fall through to durations
    }
    if (v.matches("(\\d+(\\.\\d+)?(ns|us|ms|s|m|h))+")) {
      Duration d = Duration.ZERO;
      var m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|ms|s|m|h)").matcher(v);
      while (m.find()) {
        double n = Double.parseDouble(m.group(1));
        long nanos = switch (m.group(2)) {
          case "ns" -> (long) n;
          case "us" -> (long) (n * 1e3);
          case "ms" -> (long) (n * 1e6);
          case "s" -> (long) (n * 1e9);
          case "m" -> (long) (n * 60e9);
          default -> (long) (n * 3600e9);
        };
        d = d.plusNanos(nanos);
      }
      return Instant.now().minus(d);
    }
    throw new InvalidArgumentException("invalid timestamp: " + v);
  }
}
