package io.berth.daemon.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Test helper: serves one raw request through a real HttpConnection and returns the raw answer. */
public final class HttpConnectionProbe {
  private HttpConnectionProbe() {}

  public static String call(HttpHandler handler, String raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new HttpConnection(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)), out, handler, () -> { })
        .serve();
    return out.toString(StandardCharsets.UTF_8);
  }
}
