package io.berth.cli.format;

import java.time.Duration;

/** Docker's human units: sizes in base 1000 ("4.27MB"), durations ("2 minutes"), memory flags. */
public final class Units {
  private Units() {}

  /** go-units HumanSize: base 1000, four significant digits ("4.273MB"), as docker's df and prune print. */
  public static String size(double bytes) {
    return size(bytes, 4);
  }

  /** go-units HumanSizeWithPrecision; docker's images and ps tables use three digits ("4.27MB"). */
  public static String size(double bytes, int precision) {
    return scaled(bytes, 1000, new String[] {"B", "kB", "MB", "GB", "TB", "PB", "EB"}, precision);
  }

  /** go-units BytesSize: base 1024 ("1.5GiB"), as docker stats prints memory. */
  public static String binarySize(double bytes) {
    return scaled(bytes, 1024, new String[] {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}, 4);
  }

  private static String scaled(double v, double base, String[] units, int precision) {
    int i = 0;
    while (v >= base && i < units.length - 1) {
      v /= base;
      i++;
    }
    return goG(v, precision) + units[i];
  }

  /** Go's {@code %.Ng}: N significant digits, trailing zeros dropped (Java's %g keeps them). */
  static String goG(double v, int precision) {
    if (v == 0) {
      return "0";
    }
    java.math.BigDecimal r = new java.math.BigDecimal(v).round(new java.math.MathContext(precision));
    int exponent = r.precision() - r.scale() - 1;
    if (exponent >= precision || exponent < -4) {
      // Go switches to exponent form here ("1e+03kB"); docker shows that, so do we
      java.math.BigDecimal mantissa = r.movePointLeft(exponent).stripTrailingZeros();
      return mantissa.toPlainString() + (exponent < 0 ? "e-" : "e+") + String.format("%02d", Math.abs(exponent));
    }
    return r.stripTrailingZeros().toPlainString();
  }

  /** go-units HumanDuration, which docker appends " ago" to. */
  public static String duration(Duration d) {
    double secs = Math.max(0, d.toNanos()) / 1e9;
    long s = (long) secs;
    if (s < 1) {
      return "Less than a second";
    }
    if (s == 1) {
      return "1 second";
    }
    if (s < 60) {
      return s + " seconds";
    }
    long m = (long) (secs / 60);
    if (m == 1) {
      return "About a minute";
    }
    if (m < 60) {
      return m + " minutes";
    }
    long h = (long) (secs / 3600 + 0.5);
    if (h == 1) {
      return "About an hour";
    }
    if (h < 48) {
      return h + " hours";
    }
    if (h < 24 * 7 * 2) {
      return h / 24 + " days";
    }
    if (h < 24 * 30 * 2) {
      return h / 24 / 7 + " weeks";
    }
    if (h < 24 * 365 * 2) {
      return h / 24 / 30 + " months";
    }
    return (long) (secs / 3600) / 24 / 365 + " years";
  }

  private static final java.util.regex.Pattern RAM =
      java.util.regex.Pattern.compile("^(\\d+(?:\\.\\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$");

  /**
   * docker's RAMInBytes: a number with an optional binary unit b, k, m, g, t, p (case-insensitive,
   * optional "i"/"b" suffix: 512k, 600m, 1g, 1GiB, 100 = bytes).
   */
  public static long memory(String s) {
    java.util.regex.Matcher m = RAM.matcher(s.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid size: '" + s + "'");
    }
    double n;
    try {
      n = Double.parseDouble(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid size: '" + s + "'");
    }
    long mult = m.group(2) == null ? 1 : switch (Character.toLowerCase(m.group(2).charAt(0))) {
      case 'k' -> 1L << 10;
      case 'm' -> 1L << 20;
      case 'g' -> 1L << 30;
      case 't' -> 1L << 40;
      default -> 1L << 50;
    };
    double bytes = n * mult;
    if (bytes >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("invalid size: '" + s + "' is too large");
    }
    return (long) bytes;
  }
}
