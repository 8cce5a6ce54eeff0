package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.InvalidArgumentException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a {@code POST /containers/create} body against the Go types dockerd decodes it into
 * ({@code create-request-types.json}, derived from the Engine API 1.47 spec and moby's
 * api/types), before anything reads it: a string where a number belongs, a number that does not
 * fit its integer type, a list where an object belongs are refused with dockerd's "invalid JSON"
 * message, so no stored record can later break {@code docker inspect} in a Go client. As Go's
 * decoder does, field names match case-insensitively (they are rewritten to their canonical
 * spelling, the last of duplicates winning), unknown fields are kept and ignored, null leaves a
 * field unset, and a null inside a list or map of strings is the empty string.
 */
final class CreateBodyTypes {
  private static final ObjectNode TYPES = load();
  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private CreateBodyTypes() {}

  /** Checks and canonicalises {@code body} in place; throws InvalidArgumentException naming the field. */
  static void check(ObjectNode body) {
    struct(body, TYPES, "CreateRequest");
  }

  /** The canonical field names of the body's top level (the schema of a struct), for tests and fuzzing. */
  static ObjectNode types() {
    return TYPES.deepCopy();
  }

  private static ObjectNode load() {
    try (InputStream in = CreateBodyTypes.class.getResourceAsStream("create-request-types.json")) {
      ObjectNode t = (ObjectNode) RecordJson.MAPPER.readTree(in);
      t.remove("#");
      return t;
    } catch (IOException e) {
      throw new UncheckedIOException("loading the create request types", e);
    }
  }

  /**
   * Checks {@code v} against {@code type}; returns what to keep in its place: {@code v}, or for
   * a null in a list or map of strings ({@code element}) the empty string, as Go decodes it.
   */
  private static JsonNode value(JsonNode v, JsonNode type, String path, boolean element) {
    if (v.isNull()) {
      return element && "string".equals(type.asText(null)) ? JsonNodeFactory.instance.textNode("") : v;
    }
    if (type.isTextual()) {
      scalar(v, type.asText(), path);
    } else if (type.isArray()) {
      if (!v.isArray()) {
        throw mismatch(v, path, goType(type));
      }
      ArrayNode a = (ArrayNode) v;
      for (int i = 0; i < a.size(); i++) {
        a.set(i, value(a.get(i), type.get(0), path, true));
      }
    } else if (type.has("*")) {
      if (!v.isObject()) {
        throw mismatch(v, path, goType(type));
      }
      ObjectNode m = (ObjectNode) v;
      List<String> keys = new ArrayList<>();
      m.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) {
        m.set(k, value(m.get(k), type.get("*"), path, true));
      }
    } else {
      if (!v.isObject()) {
        throw mismatch(v, path, goType(type));
      }
      struct((ObjectNode) v, (ObjectNode) type, path);
    }
    return v;
  }

  /** Renames fields to their canonical spelling (Go matches case-insensitively) and checks each. */
  private static void struct(ObjectNode o, ObjectNode type, String path) {
    Map<String, JsonNode> canonical = new LinkedHashMap<>();
    boolean renamed = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = canonicalName(type, e.getKey());
      renamed |= !name.equals(e.getKey()) || canonical.containsKey(name);
      canonical.remove(name); // the last of duplicate keys wins, at its own position
      canonical.put(name, e.getValue());
    }
    if (renamed) {
      o.removeAll();
      canonical.forEach(o::set);
    }
    for (Map.Entry<String, JsonNode> e : canonical.entrySet()) {
      JsonNode t = type.get(e.getKey());
      if (t != null) {
        value(e.getValue(), t, path + "." + e.getKey(), false);
      }
    }
  }

  private static String canonicalName(ObjectNode type, String name) {
    if (type.has(name)) {
      return name;
    }
    for (Iterator<String> it = type.fieldNames(); it.hasNext(); ) {
      String known = it.next();
      if (known.equalsIgnoreCase(name)) {
        return known;
      }
    }
    return name;
  }

  private static void scalar(JsonNode v, String type, String path) {
    boolean ok = switch (type) {
      case "string" -> v.isTextual();
      case "bool" -> v.isBoolean();
      case "struct {}" -> v.isObject();
      case "strslice" -> v.isTextual() || (v.isArray() && allStrings((ArrayNode) v, path));
      case "int", "int64" -> v.isIntegralNumber() && v.canConvertToLong();
      case "uint16" -> unsigned(v, BigInteger.valueOf(0xFFFF));
      case "uint32" -> unsigned(v, BigInteger.valueOf(0xFFFFFFFFL));
      case "uint", "uint64" -> unsigned(v, UINT64_MAX);
      default -> throw new IllegalStateException("unknown type " + type + " in create-request-types.json");
    };
    if (!ok) {
      throw mismatch(v, path, type.equals("strslice") ? "[]string" : type);
    }
  }

  private static boolean allStrings(ArrayNode a, String path) {
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i).isNull()) {
        a.set(i, JsonNodeFactory.instance.textNode(""));
      } else if (!a.get(i).isTextual()) {
        throw mismatch(a.get(i), path, "string");
      }
    }
    return true;
  }

  private static boolean unsigned(JsonNode v, BigInteger max) {
    return v.isIntegralNumber() && v.bigIntegerValue().signum() >= 0 && v.bigIntegerValue().compareTo(max) <= 0;
  }

  private static InvalidArgumentException mismatch(JsonNode v, String path, String goType) {
    String kind = switch (v.getNodeType()) {
      case STRING -> "string";
      case BOOLEAN -> "bool";
      case ARRAY -> "array";
      case OBJECT -> "object";
      case NUMBER -> "number " + v.asText();
      default -> v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    };
    return new InvalidArgumentException("invalid JSON: json: cannot unmarshal " + kind + " into Go struct field "
        + path + " of type " + goType);
  }

  private static String goType(JsonNode type) {
    if (type.isTextual()) {
      return type.asText().equals("strslice") ? "[]string" : type.asText();
    }
    if (type.isArray()) {
      return "[]" + goType(type.get(0));
    }
    if (type.has("*")) {
      return "map[string]" + goType(type.get("*"));
    }
    return "struct";
  }
}
