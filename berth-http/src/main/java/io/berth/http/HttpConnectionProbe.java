package io.berth.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Serves one raw request held in memory through a real {@link HttpConnection} and returns the raw
 * answer, so handlers in other modules (API routes, registry) are tested with the real parser.
 */
public final class HttpConnectionProbe {
  private HttpConnectionProbe() {}

  public static String call(HttpHandler handler, String raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new HttpConnection(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)), out, handler, () -> { })
        .serve();
    return out.toString(StandardCharsets.UTF_8);
  }
}
