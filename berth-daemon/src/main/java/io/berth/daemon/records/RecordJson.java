package io.berth.daemon.records;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The daemon's JSON codec below the API: services encode the records they keep in the metadata
 * store (containers, networks, volumes) and build the JSON trees of Docker's settings with it.
 * It sits under the services so that saving a record never reaches up into the HTTP layer; the
 * API's {@code Json} uses the same mapper, so what is stored and what is served agree.
 */
public final class RecordJson {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);

  private RecordJson() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  /** Text of a field, null when missing, JSON null or empty. */
  public static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    String s = v.asText();
    return s.isEmpty() ? null : s;
  }
}
