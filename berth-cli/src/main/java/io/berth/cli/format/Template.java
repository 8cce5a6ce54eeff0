package io.berth.cli.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The subset of Go templates docker's {@code --format} users rely on: {@code {{.Field}}},
 * nested fields, {@code {{json .}}}, {@code {{json .X}}}, {@code {{upper}}}/{@code {{lower}}},
 * {@code {{index .Map "key"}}}, {@code {{join .List ","}}}, {@code {{len .X}}}, and the
 * {@code table} prefix. Escapes {@code \t} and {@code \n} are honoured as docker does.
 */
public final class Template {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final List<Object> parts = new ArrayList<>();
  private final boolean table;

  /** An action {@code {{...}}} split into words (strings keep their quotes removed). */
  private record Action(List<String> words) {}

  public Template(String format) {
    String f = format;
    this.table = f.startsWith("table ") || f.equals("table");
    if (table) {
      f = f.substring(Math.min(f.length(), 6));
    }
    f = f.replace("\\t", "\t").replace("\\n", "\n");
    int i = 0;
    while (i < f.length()) {
      int open = f.indexOf("{{", i);
      if (open < 0) {
        parts.add(f.substring(i));
        break;
      }
      parts.add(f.substring(i, open));
      int close = f.indexOf("}}", open);
      if (close < 0) {
        throw new IllegalArgumentException("template: unclosed action in \"" + format + "\"");
      }
      parts.add(new Action(words(f.substring(open + 2, close).trim())));
      i = close + 2;
    }
  }

  public boolean isTable() {
    return table;
  }

  private static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '"') {
        int end = s.indexOf('"', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("template: unterminated string in {{" + s + "}}");
        }
        out.add("\u0000" + s.substring(i + 1, end));
        i = end + 1;
      } else {
        int end = i;
        while (end < s.length() && !Character.isWhitespace(s.charAt(end))) {
          end++;
        }
        out.add(s.substring(i, end));
        i = end;
      }
    }
    return out;
  }

  /** Header row for tables with docker's container column names. */
  public String header() {
    return header(java.util.Map.of());
  }

  /**
   * Header row for tables: each field's docker column name from {@code names} (they differ per
   * object type: {@code .ID} is "CONTAINER ID" for ps but "IMAGE ID" for images), else the field
   * name split at case changes and upper-cased.
   */
  public String header(java.util.Map<String, String> names) {
    StringBuilder sb = new StringBuilder();
    for (Object p : parts) {
      if (p instanceof String s) {
        sb.append(s);
      } else {
        List<String> w = ((Action) p).words();
        String last = w.getLast();
        String name = last.startsWith(".") ? last.substring(1) : last;
        sb.append(names.getOrDefault(name, headerName(name)));
      }
    }
    return sb.toString();
  }

  private static String headerName(String field) {
    return switch (field) {
      case "ID" -> "CONTAINER ID";
      case "RunningFor" -> "CREATED";
      case "CreatedSince" -> "CREATED";
      case "Names" -> "NAMES";
      case "CPUPerc" -> "CPU %";
      case "MemUsage" -> "MEM USAGE / LIMIT";
      case "MemPerc" -> "MEM %";
      case "PIDs" -> "PIDS";
      case "ImageID" -> "IMAGE ID";
      default -> field.replaceAll("([a-z])([A-Z])", "$1 $2").toUpperCase(Locale.ROOT);
    };
  }

  public String render(JsonNode data) {
    StringBuilder sb = new StringBuilder();
    for (Object p : parts) {
      if (p instanceof String s) {
        sb.append(s);
      } else {
        sb.append(eval(((Action) p).words(), data));
      }
    }
    return sb.toString();
  }

  private static String eval(List<String> w, JsonNode data) {
    if (w.isEmpty()) {
      return "";
    }
    String fn = w.getFirst();
    try {
      return switch (fn) {
        case "json" -> MAPPER.writeValueAsString(w.size() > 1 ? field(data, w.get(1)) : data);
        case "upper" -> text(value(data, w.get(1))).toUpperCase(Locale.ROOT);
        case "lower" -> text(value(data, w.get(1))).toLowerCase(Locale.ROOT);
        case "len" -> Integer.toString(field(data, w.get(1)).size());
        case "index" -> text(field(data, w.get(1)).path(literal(w.get(2))));
        case "join" -> {
          JsonNode list = field(data, w.get(1));
          List<String> items = new ArrayList<>();
          list.forEach(x -> items.add(text(x)));
          yield String.join(literal(w.get(2)), items);
        }
        case "println" -> text(value(data, w.get(1))) + "\n";
        default -> text(value(data, fn));
      };
    } catch (IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("template: missing argument to " + fn);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  private static String literal(String w) {
    return w.startsWith("\u0000") ? w.substring(1) : w;
  }

  private static JsonNode value(JsonNode data, String w) {
    if (w.startsWith("\u0000")) {
      return MAPPER.getNodeFactory().textNode(w.substring(1));
    }
    return field(data, w);
  }

  private static JsonNode field(JsonNode data, String path) {
    if (path.equals(".")) {
      return data;
    }
    if (!path.startsWith(".")) {
      throw new IllegalArgumentException("template: function \"" + path + "\" not defined");
    }
    JsonNode cur = data;
    for (String part : path.substring(1).split("\\.")) {
      if (part.isEmpty()) {
        continue;
      }
      if (!cur.has(part)) {
        if (cur.isObject() && !cur.isEmpty() && !cur.has(part)) {
          throw new IllegalArgumentException("template: can't evaluate field " + part);
        }
        return MAPPER.getNodeFactory().missingNode();
      }
      cur = cur.get(part);
    }
    return cur;
  }

  /** How Go prints values: strings bare, null as {@code <no value>}, maps as map[k:v]. */
  static String text(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "<no value>";
    }
    if (n.isNull()) {
      return "<nil>";
    }
    if (n.isTextual()) {
      return n.asText();
    }
    if (n.isArray()) {
      List<String> items = new ArrayList<>();
      n.forEach(x -> items.add(text(x)));
      return "[" + String.join(" ", items) + "]";
    }
    if (n.isObject()) {
      List<String> items = new ArrayList<>();
      n.fields().forEachRemaining(e -> items.add(e.getKey() + ":" + text(e.getValue())));
      items.sort(null);
      return "map[" + String.join(" ", items) + "]";
    }
    return n.asText();
  }
}
