package io.berth.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Copies one compose key into one Engine API body field when the service sets it: the container
 * bodies of {@code berth compose} and the service specs of {@code berth stack} both need it, and
 * an unset key must leave the field out (the engine's default), not write an empty value.
 */
final class BodyFields {
  private BodyFields() {}

  /** {@code s.from} as text into {@code to.field}. */
  static void text(JsonNode s, String from, ObjectNode to, String field) {
    if (s.has(from)) {
      to.put(field, s.get(from).asText());
    }
  }

  /** {@code s.from} (a string or a list) as a list of strings into {@code to.field}. */
  static void list(JsonNode s, String from, ObjectNode to, String field) {
    if (s.has(from)) {
      ArrayNode a = to.putArray(field);
      Normalizer.list(s.get(from)).forEach(x -> a.add(x.asText()));
    }
  }
}
