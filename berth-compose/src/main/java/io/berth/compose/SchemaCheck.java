package io.berth.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Validates a compose document against the compose specification's JSON schema (the file the
 * compose-spec project publishes, shipped in this module) and turns the validator's findings
 * into messages naming the offending key, e.g. {@code services.web.ports[0]: ...}.
 */
final class SchemaCheck {
  private static final Schema SCHEMA = load();

  private SchemaCheck() {}

  private static Schema load() {
    try (InputStream in = SchemaCheck.class.getResourceAsStream("compose-spec.json")) {
      if (in == null) {
        throw new IllegalStateException("compose-spec.json missing from the classpath");
      }
      // the published schema's $id is relative, which the validator refuses as a base URI
      com.fasterxml.jackson.databind.node.ObjectNode node =
          (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
      node.put("$id", "https://raw.githubusercontent.com/compose-spec/compose-spec/main/schema/compose-spec.json");
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(node);
    } catch (IOException e) {
      throw new IllegalStateException("loading the compose schema", e);
    }
  }

  /** Throws a {@link ComposeException} listing (at most five of) the problems found. */
  static void validate(JsonNode doc, String file) {
    List<Error> errors = SCHEMA.validate(doc);
    if (errors.isEmpty()) {
      return;
    }
    Set<String> lines = new LinkedHashSet<>();
    for (Error e : errors) {
      lines.add(describe(e));
    }
    List<String> shown = new ArrayList<>(lines);
    StringBuilder sb = new StringBuilder("validating " + file + ": ");
    sb.append(String.join("; ", shown.subList(0, Math.min(5, shown.size()))));
    if (shown.size() > 5) {
      sb.append("; and ").append(shown.size() - 5).append(" more");
    }
    throw new ComposeException(sb.toString());
  }

  private static String describe(Error e) {
    String where = path(e.getInstanceLocation().toString());
    String msg = e.getMessage();
    // the validator repeats the location at the start of its message
    int colon = msg.indexOf(": ");
    if ((msg.startsWith("$") || msg.startsWith("/")) && colon > 0) {
      msg = msg.substring(colon + 2);
    }
    if ("additionalProperties".equals(e.getKeyword()) && e.getProperty() != null) {
      String key = where.isEmpty() ? e.getProperty() : where + "." + e.getProperty();
      return key + ": additional property " + e.getProperty() + " is not allowed";
    }
    return (where.isEmpty() ? "(top level)" : where) + ": " + msg;
  }

  /** "/services/web/ports/0" (or "$.services.web.ports[0]") -> "services.web.ports[0]". */
  static String path(String location) {
    if (location.startsWith("$")) {
      String p = location.substring(1);
      return p.startsWith(".") ? p.substring(1) : p;
    }
    StringBuilder sb = new StringBuilder();
    for (String seg : location.split("/")) {
      if (seg.isEmpty()) {
        continue;
      }
      String s = seg.replace("~1", "/").replace("~0", "~");
      if (s.matches("\\d+")) {
        sb.append('[').append(s).append(']');
      } else {
        sb.append(sb.isEmpty() ? "" : ".").append(s);
      }
    }
    return sb.toString();
  }
}
