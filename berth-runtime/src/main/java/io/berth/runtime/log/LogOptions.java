package io.berth.runtime.log;

import io.berth.errdefs.InvalidArgumentException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A container's logging configuration ({@code HostConfig.LogConfig}, {@code daemon.json}'s
 * {@code log-driver}/{@code log-opts}) checked against what Berth does with it: every option is
 * either honoured or refused by name with Docker's wording, never accepted and ignored.
 *
 * @param maxSize bytes one log file may reach before it is rotated; -1 for no limit
 * @param maxFile how many files (the live one and the rotated ones) are kept
 * @param compress whether rotated files are gzip-compressed
 * @param opts the options as given (also what {@code labels}, {@code env}, {@code tag} read)
 */
public record LogOptions(LogDriver driver, long maxSize, int maxFile, boolean compress, Map<String, String> opts) {
  /** Docker's local driver defaults. */
  public static final long LOCAL_MAX_SIZE = 20L * 1024 * 1024;
  public static final int LOCAL_MAX_FILE = 5;

  private static final Set<String> KEYS = Set.of("max-size", "max-file", "compress", "labels", "labels-regex",
      "env", "env-regex", "tag", "mode", "max-buffer-size");
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+) ?(?:([kmgtp])(?:b|ib)?|b)?",
      Pattern.CASE_INSENSITIVE);

  public LogOptions {
    opts = Map.copyOf(opts);
  }

  /** json-file without options: one file that grows as long as the container writes. */
  public static LogOptions jsonFile() {
    return new LogOptions(LogDriver.JSON_FILE, -1, 1, false, Map.of());
  }

  /** Whether conmon's rotated-away file has to be kept as {@code .1} (more than one file kept). */
  public boolean rotates() {
    return driver != LogDriver.NONE && maxSize > 0 && maxFile > 1;
  }

  /** Validates {@code type} and {@code given} as Docker does at create; an empty type is json-file. */
  public static LogOptions parse(String type, Map<String, String> given) {
    String name = type == null || type.isEmpty() ? LogDriver.JSON_FILE.wireName() : type;
    LogDriver driver = LogDriver.byName(name).orElseThrow(() -> new InvalidArgumentException(
        "logger: no log driver named '" + name + "' is registered (Berth has json-file, local and none)"));
    Map<String, String> opts = new TreeMap<>(given);
    if (driver == LogDriver.NONE) {
      if (!opts.isEmpty()) {
        throw new InvalidArgumentException("unknown log opt '" + opts.keySet().iterator().next()
            + "' for log driver none: it keeps no log");
      }
      return new LogOptions(driver, -1, 1, false, opts);
    }
    for (String key : opts.keySet()) {
      if (!KEYS.contains(key)) {
        throw new InvalidArgumentException(driver == LogDriver.LOCAL
            ? "unknown log opt '" + key + "' for log driver local"
            : "unknown log opt '" + key + "' for json-file log driver");
      }
    }
    checkMode(opts);
    attributeOptions(opts);
    boolean local = driver == LogDriver.LOCAL;
    long maxSize = opts.containsKey("max-size") ? size(opts.get("max-size"), name) : local ? LOCAL_MAX_SIZE : -1;
    int maxFile = opts.containsKey("max-file") ? count(opts.get("max-file"), name) : local ? LOCAL_MAX_FILE : 1;
    boolean compress = opts.containsKey("compress") ? bool(opts.get("compress"), name) : local;
    if (compress && local && maxFile <= 1) {
      throw new InvalidArgumentException("compression cannot be enabled when max file count is 1");
    }
    if (compress && !local && (maxFile == 1 || maxSize < 0)) {
      throw new InvalidArgumentException(
          "compress cannot be true when max-file is less than 2 or max-size is not set");
    }
    return new LogOptions(driver, maxSize, maxFile, compress, opts);
  }

  private static void checkMode(Map<String, String> opts) {
    String mode = opts.getOrDefault("mode", "");
    if (mode.equals("non-blocking")) {
      throw new InvalidArgumentException("log opt mode=non-blocking is not supported by Berth: conmon writes "
          + "each line as the container prints it (mode=blocking)");
    }
    if (!mode.isEmpty() && !mode.equals("blocking")) {
      throw new InvalidArgumentException("logger: logging mode not supported: " + mode);
    }
    if (opts.containsKey("max-buffer-size")) {
      throw new InvalidArgumentException("logger: max-buffer-size option is only supported with 'mode=non-blocking'");
    }
  }

  private static void attributeOptions(Map<String, String> opts) {
    for (String key : new String[] {"labels-regex", "env-regex"}) {
      if (opts.containsKey(key)) {
        try {
          Pattern.compile(opts.get(key));
        } catch (PatternSyntaxException e) {
          throw new InvalidArgumentException("invalid log opt " + key + " '" + opts.get(key) + "': "
              + e.getDescription());
        }
      }
    }
    if (opts.containsKey("tag")) {
      LogTag.validate(opts.get("tag"));
    }
  }

  /** Docker's human sizes (decimal: {@code 100k} is 100000 bytes, as go-units' FromHumanSize). */
  static long size(String value, String driver) {
    Matcher m = SIZE.matcher(value.strip());
    if (!m.matches()) {
      throw new InvalidArgumentException("invalid max-size '" + value + "' for " + driver
          + " log driver: expected a size such as 100k, 10m or 1g");
    }
    double n = Double.parseDouble(m.group(1));
    long mult = m.group(2) == null ? 1 : switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "k" -> 1_000L;
      case "m" -> 1_000_000L;
      case "g" -> 1_000_000_000L;
      case "t" -> 1_000_000_000_000L;
      default -> 1_000_000_000_000_000L;
    };
    long bytes = (long) (n * mult);
    if (bytes <= 0) {
      throw new InvalidArgumentException("max-size must be a positive number");
    }
    return bytes;
  }

  private static int count(String value, String driver) {
    int n;
    try {
      n = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("invalid max-file '" + value + "' for " + driver
          + " log driver: expected a whole number");
    }
    if (n < 1) {
      throw new InvalidArgumentException("max-file cannot be less than 1");
    }
    return n;
  }

  /** Go's strconv.ParseBool, which Docker uses for compress. */
  private static boolean bool(String value, String driver) {
    return switch (value) {
      case "1", "t", "T", "true", "TRUE", "True" -> true;
      case "0", "f", "F", "false", "FALSE", "False" -> false;
      default -> throw new InvalidArgumentException("invalid compress '" + value + "' for " + driver
          + " log driver: expected true or false");
    };
  }
}
