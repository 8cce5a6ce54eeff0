package io.berth.http;

import java.time.Duration;

/**
 * What the HTTP server gives one client, in one place. The time limits apply only while the server
 * waits to read something a client owes it: the headers of a request, the next request on a
 * keep-alive connection, the next bytes of a request body. A response being written (logs -f,
 * events, a pull's progress) and a hijacked connection (attach, exec) are never cut, as in dockerd,
 * whose server only bounds the headers (Go's ReadHeaderTimeout).
 *
 * @param headerTimeout a request's line and headers must arrive within this, counted from its
 *     first byte (on a new connection: from the accept, as in Go's server)
 * @param idleTimeout a keep-alive connection waits this long for its next request, then is closed
 *     (longer than the 90 s after which Go's clients drop idle connections themselves, so a client
 *     never reuses one the server is closing)
 * @param bodyStallTimeout a request body that sends no byte for this long is cut
 * @param maxIdleConnections connections waiting for a request; past this, the one waiting longest
 *     is closed
 * @param maxLineBytes the longest request or header line
 * @param maxHeaders the most header lines in one request
 */
public record HttpLimits(
    Duration headerTimeout,
    Duration idleTimeout,
    Duration bodyStallTimeout,
    int maxIdleConnections,
    int maxLineBytes,
    int maxHeaders) {

  /** Limits no Docker client notices: they send a request's headers in one write and never stall a body for minutes. */
  public static final HttpLimits DEFAULTS = new HttpLimits(Duration.ofSeconds(30), Duration.ofMinutes(2),
      Duration.ofMinutes(5), 512, 16 * 1024, 200);

  public HttpLimits {
    for (Duration d : new Duration[] {headerTimeout, idleTimeout, bodyStallTimeout}) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("HTTP timeouts must be positive, not " + d);
      }
    }
    if (maxIdleConnections < 1 || maxLineBytes < 64 || maxHeaders < 1) {
      throw new IllegalArgumentException("HTTP limits too small: " + maxIdleConnections + " idle connections, "
          + maxLineBytes + " bytes a line, " + maxHeaders + " headers");
    }
  }
}
