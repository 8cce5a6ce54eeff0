package io.berth.cli.format;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code --since}/{@code --until} values as docker's client converts them before they reach the
 * API: a Go duration ({@code 10m}, {@code 1h30m}) counts back from now, an RFC 3339 date or
 * time (local when it has no zone) becomes {@code seconds.nanoseconds}, and a Unix timestamp
 * passes through.
 */
public final class Timestamps {
  private static final List<DateTimeFormatter> LOCAL = List.of(DateTimeFormatter.ISO_LOCAL_DATE_TIME,
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH"));
  private static final List<DateTimeFormatter> OFFSET = List.of(DateTimeFormatter.ISO_OFFSET_DATE_TIME,
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHXXX"));

  private Timestamps() {}

  public static String toApi(String value, Instant now, ZoneId zone) {
    String v = value.trim();
    long d = Durations.tryNanos(v);
    if (d >= 0 && !v.equals("0")) {
      return Long.toString(now.minusNanos(d).getEpochSecond());
    }
    Instant t = parse(v, zone);
    if (t != null) {
      return t.getEpochSecond() + "." + String.format("%09d", t.getNano());
    }
    if (v.matches("\\d+(\\.\\d{1,9})?")) {
      return v;
    }
    if (v.contains("-")) {
      throw new IllegalArgumentException("invalid timestamp \"" + value + "\": expected RFC 3339 (2006-01-02T15:04:05Z)");
    }
    throw new IllegalArgumentException("failed to parse value as time or duration: \"" + value + "\"");
  }

  private static Instant parse(String v, ZoneId zone) {
    for (DateTimeFormatter f : OFFSET) {
      try {
        return OffsetDateTime.parse(v.replace('z', 'Z'), f).toInstant();
      } catch (DateTimeParseException e) {
        // next form
      }
    }
    for (DateTimeFormatter f : LOCAL) {
      try {
        return LocalDateTime.parse(v, f).atZone(zone).toInstant();
      } catch (DateTimeParseException e) {
        // next form
      }
    }
    try {
      return LocalDate.parse(v).atStartOfDay(zone).toInstant();
    } catch (DateTimeParseException e) {
      // not a date
    }
    try {
      return OffsetDateTime.parse(v + "T00:00:00" + v.substring(Math.min(v.length(), 10)),
          DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException | StringIndexOutOfBoundsException e) {
      return null;
    }
  }
}
