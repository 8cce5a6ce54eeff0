package io.berth.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.records.RecordJson;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import io.berth.errdefs.InvalidArgumentException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The API layer's JSON helpers: read request bodies and write responses in Docker's shape, with
 * the daemon's one mapper ({@link RecordJson}, which the services use for their records).
 */
public final class Json {
  public static final ObjectMapper MAPPER = RecordJson.MAPPER;
  private static final long MAX_BODY = 16L * 1024 * 1024;

  private Json() {}

  public static ObjectNode object() {
    return RecordJson.object();
  }

  public static ArrayNode array() {
    return RecordJson.array();
  }

  /** Reads a JSON object body; an empty body is an empty object, anything else malformed is 400. */
  public static ObjectNode body(HttpRequest request) throws IOException {
    InputStream in = request.body();
    byte[] data = in.readNBytes((int) MAX_BODY + 1);
    if (data.length > MAX_BODY) {
      throw new InvalidArgumentException("request body too large");
    }
    if (data.length == 0 || new String(data).isBlank()) {
      return object();
    }
    JsonNode node = MAPPER.readTree(data);
    if (node == null || node.isNull()) {
      return object();
    }
    if (!node.isObject()) {
      throw new InvalidArgumentException("request body must be a JSON object");
    }
    return (ObjectNode) node;
  }

  public static void send(HttpResponse response, int status, Object body) {
    try {
      byte[] bytes = MAPPER.writeValueAsBytes(body);
      byte[] withNl = new byte[bytes.length + 1];
      System.arraycopy(bytes, 0, withNl, 0, bytes.length);
      withNl[bytes.length] = '\n';
      response.send(status, "application/json", withNl);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void error(HttpResponse response, int status, String message) {
    send(response, status, object().put("message", message));
  }

  public static byte[] line(Object value) {
    try {
      byte[] bytes = MAPPER.writeValueAsBytes(value);
      byte[] withNl = new byte[bytes.length + 1];
      System.arraycopy(bytes, 0, withNl, 0, bytes.length);
      withNl[bytes.length] = '\n';
      return withNl;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Text of a field, null when missing, JSON null or empty. */
  public static String text(JsonNode node, String field) {
    return RecordJson.text(node, field);
  }
}
