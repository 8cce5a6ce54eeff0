package io.berth.runtime;

import java.time.Instant;

/**
 * One record of a container log: which stream, when, and the bytes (with the trailing newline
 * when the line was complete; partial records, as long lines or TTY output, have none).
 */
public record LogEntry(Stream stream, Instant time, byte[] data) {
  public enum Stream { STDOUT, STDERR }
}
