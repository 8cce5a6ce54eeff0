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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    List<Finding> findings = new ArrayList<>();
    for (Error e : errors) {
      findings.add(finding(e));
    }
    List<String> shown = new ArrayList<>(simplify(findings));
    StringBuilder sb = new StringBuilder("validating " + file + ": ");
    sb.append(String.join("; ", shown.subList(0, Math.min(5, shown.size()))));
    if (shown.size() > 5) {
      sb.append("; and ").append(shown.size() - 5).append(" more");
    }
    throw new ComposeException(sb.toString());
  }

  /** One validator finding: where (compose path), the schema keyword, and the text. */
  record Finding(String path, String keyword, String message) {}

  private static Finding finding(Error e) {
    String where = path(e.getInstanceLocation().toString());
    String msg = e.getMessage();
    // the validator repeats the location at the start of its message
    int colon = msg.indexOf(": ");
    if ((msg.startsWith("$") || msg.startsWith("/")) && colon > 0) {
      msg = msg.substring(colon + 2);
    }
    if ("additionalProperties".equals(e.getKeyword()) && e.getProperty() != null) {
      String key = where.isEmpty() ? e.getProperty() : where + "." + e.getProperty();
      return new Finding(key, "additionalProperties", "additional property " + e.getProperty() + " is not allowed");
    }
    return new Finding(where, e.getKeyword(), msg);
  }

  private static final Pattern TYPE = Pattern.compile("(\\w+) found, (\\w+) expected");

  /**
   * A value that matches none of a {@code oneOf}'s branches yields one finding per branch plus
   * the {@code oneOf} itself; the user needs the branch that got furthest. So: the {@code oneOf}
   * summary goes when anything else was found, a branch's type mismatch goes when another branch
   * found a problem deeper inside the same value, and type mismatches left on one key merge
   * ({@code integer found, object or array expected}).
   */
  static List<String> simplify(List<Finding> all) {
    List<Finding> rest = all.stream().filter(f -> !f.keyword().equals("oneOf") && !f.keyword().equals("anyOf")).toList();
    if (rest.isEmpty()) {
      rest = all;
    }
    List<Finding> kept = new ArrayList<>();
    for (Finding f : rest) {
      boolean deeper = rest.stream().anyMatch(o -> o.path().length() > f.path().length() && isInside(o.path(), f.path()));
      if (!(deeper && f.keyword().equals("type"))) {
        kept.add(f);
      }
    }
    // type mismatches on one key become one line, at the place of the first
    Map<String, List<String>> expected = new LinkedHashMap<>();
    Map<String, String> found = new LinkedHashMap<>();
    Map<String, String> lines = new LinkedHashMap<>();
    for (Finding f : kept) {
      String where = f.path().isEmpty() ? "(top level)" : f.path();
      Matcher m = TYPE.matcher(f.message());
      if (f.keyword().equals("type") && m.matches()) {
        found.put(where, m.group(1));
        expected.computeIfAbsent(where, k -> new ArrayList<>()).add(m.group(2));
        lines.put("type " + where, where);
      } else {
        lines.put(where + ": " + f.message(), null);
      }
    }
    List<String> out = new ArrayList<>();
    lines.forEach((line, typeAt) -> {
      if (typeAt == null) {
        out.add(line);
        return;
      }
      List<String> exp = expected.get(typeAt).stream().distinct().toList();
      String either = exp.size() == 1 ? exp.getFirst()
          : String.join(", ", exp.subList(0, exp.size() - 1)) + " or " + exp.getLast();
      out.add(typeAt + ": " + found.get(typeAt) + " found, " + either + " expected");
    });
    return out;
  }

  /** Whether compose path {@code inner} lies within {@code outer} ({@code a.b[0]} within {@code a.b}). */
  private static boolean isInside(String inner, String outer) {
    if (outer.isEmpty()) {
      return true;
    }
    if (!inner.startsWith(outer)) {
      return false;
    }
    char next = inner.charAt(outer.length());
    return next == '.' || next == '[';
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
