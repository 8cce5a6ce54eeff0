package io.berth.daemon.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The dashboard's answers: JSON in the Engine API's shapes ({@code {"message": ...}} for errors),
 * never cached by the browser, and the empty 401 a request without credentials gets (no body, so
 * nothing about the cluster leaks, not even an error text).
 */
final class Replies {
  private static final int MAX_BODY = 64 * 1024;

  private Replies() {}

  static void json(HttpResponse s, int status, JsonNode body) {
    try {
      s.header("Cache-Control", "no-store");
      s.send(status, "application/json", RecordJson.MAPPER.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void error(HttpResponse s, int status, String message) {
    json(s, status, RecordJson.object().put("message", message));
  }

  static void unauthorized(HttpResponse s) {
    s.header("Cache-Control", "no-store");
    s.header("WWW-Authenticate", "Bearer realm=\"berth-dashboard\"");
    s.send(401, null, new byte[0]);
  }

  /** A JSON object body (empty: an empty object), at most 64 KiB: the actions take a field or two. */
  static ObjectNode body(HttpRequest q) throws IOException {
    byte[] data = q.body().readNBytes(MAX_BODY + 1);
    if (data.length > MAX_BODY) {
      throw new InvalidArgumentException("request body too large (at most " + MAX_BODY + " bytes)");
    }
    if (data.length == 0) {
      return RecordJson.object();
    }
    JsonNode n = RecordJson.MAPPER.readTree(data);
    if (n == null || n.isNull()) {
      return RecordJson.object();
    }
    if (!n.isObject()) {
      throw new InvalidArgumentException("request body must be a JSON object");
    }
    return (ObjectNode) n;
  }
}
