package io.berth.runtime.log;

import java.util.Arrays;
import java.util.Optional;

/**
 * The logging drivers Berth implements, by Docker's names. Every other name Docker knows
 * (syslog, journald, gelf, fluentd, awslogs, splunk, ...) is refused at create rather than
 * accepted and ignored.
 */
public enum LogDriver {
  /** Docker's default: one file, rotated only when max-size is given. */
  JSON_FILE("json-file"),
  /** Docker's local driver: rotated by default (20m x 5, compressed). */
  LOCAL("local"),
  /** No log kept; attached clients still see the output. */
  NONE("none");

  private final String wireName;

  LogDriver(String wireName) {
    this.wireName = wireName;
  }

  /** The name Docker's API and daemon.json use. */
  public String wireName() {
    return wireName;
  }

  /** Whether {@code docker logs} can read what this driver kept. */
  public boolean readable() {
    return this != NONE;
  }

  public static Optional<LogDriver> byName(String name) {
    return Arrays.stream(values()).filter(d -> d.wireName.equals(name)).findFirst();
  }
}
