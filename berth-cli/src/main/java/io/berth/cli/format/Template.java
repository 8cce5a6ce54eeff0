package io.berth.cli.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The subset of Go templates docker's {@code --format} users rely on: {@code {{.Field}}},
 * nested fields, {@code {{json .}}}, {@code {{json .X}}}, {@code {{upper}}}/{@code {{lower}}},
 * {@code {{index .Map "key"}}}, {@code {{join .List ","}}}, {@code {{len .X}}},
 * {@code {{range .X}}...{{else}}...{{end}}} (also {@code {{range $k, $v := .X}}}; maps in key
 * order, as Go), {@code {{if .X}}...{{else}}...{{end}}}, {@code $} for the top value, and the
 * {@code table} prefix. Escapes {@code \t} and {@code \n} are honoured as docker does.
 */
public final class Template {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final List<Object> parts = new ArrayList<>();
  private final boolean table;

  /** An action {@code {{...}}} split into words (strings keep their quotes removed). */
  private record Action(List<String> words) {}

  /** {@code {{range ...}}} or {@code {{if ...}}} with what follows up to its {@code {{end}}}. */
  private record Block(boolean range, List<String> words, List<Object> body, List<Object> otherwise) {}

  /** Where an action is evaluated: the current value ({@code .}), the top one ({@code $}), variables. */
  private record Scope(JsonNode dot, JsonNode root, java.util.Map<String, JsonNode> vars) {
    Scope with(JsonNode newDot, java.util.Map<String, JsonNode> more) {
      java.util.Map<String, JsonNode> v = new java.util.HashMap<>(vars);
      v.putAll(more);
      return new Scope(newDot, root, v);
    }
  }

  public Template(String format) {
    String f = format;
    this.table = f.startsWith("table ") || f.equals("table");
    if (table) {
      f = f.substring(Math.min(f.length(), 6));
    }
    f = f.replace("\\t", "\t").replace("\\n", "\n");
    List<Object> flat = new ArrayList<>();
    int i = 0;
    while (i < f.length()) {
      int open = f.indexOf("{{", i);
      if (open < 0) {
        flat.add(f.substring(i));
        break;
      }
      flat.add(f.substring(i, open));
      int close = f.indexOf("}}", open);
      if (close < 0) {
        throw new IllegalArgumentException("template: unclosed action in \"" + format + "\"");
      }
      flat.add(new Action(words(f.substring(open + 2, close).trim())));
      i = close + 2;
    }
    java.util.Iterator<Object> it = flat.iterator();
    String ended = nest(it, parts, format);
    if (ended != null) {
      throw new IllegalArgumentException("template: unexpected {{" + ended + "}} in \"" + format + "\"");
    }
  }

  /**
   * Moves items into {@code into} until an {@code end} or {@code else} at this level, which it
   * returns (null at the end of the input); {@code range} and {@code if} nest.
   */
  private static String nest(java.util.Iterator<Object> it, List<Object> into, String format) {
    while (it.hasNext()) {
      Object o = it.next();
      if (!(o instanceof Action a) || a.words().isEmpty()) {
        into.add(o);
        continue;
      }
      String first = a.words().getFirst();
      if (first.equals("end") || first.equals("else")) {
        return first;
      }
      if (first.equals("range") || first.equals("if")) {
        List<Object> body = new ArrayList<>();
        List<Object> otherwise = new ArrayList<>();
        String stop = nest(it, body, format);
        if ("else".equals(stop)) {
          stop = nest(it, otherwise, format);
        }
        if (!"end".equals(stop)) {
          throw new IllegalArgumentException("template: unexpected EOF: {{" + first + "}} without {{end}} in \"" + format + "\"");
        }
        into.add(new Block(first.equals("range"), a.words().subList(1, a.words().size()), body, otherwise));
      } else {
        into.add(a);
      }
    }
    return null;
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
      } else if (p instanceof Action a) {
        List<String> w = a.words();
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
    render(parts, new Scope(data, data, java.util.Map.of()), sb);
    return sb.toString();
  }

  private static void render(List<Object> items, Scope scope, StringBuilder sb) {
    for (Object p : items) {
      switch (p) {
        case String s -> sb.append(s);
        case Action a -> sb.append(eval(a.words(), scope));
        case Block b when b.range() -> range(b, scope, sb);
        case Block b -> render(truthy(pipeline(b.words(), scope)) ? b.body() : b.otherwise(), scope, sb);
        default -> throw new IllegalStateException("template part " + p);
      }
    }
  }

  /** {@code range [$k[, $v] :=] PIPE}: the body once per element (map values in key order), else the else part. */
  private static void range(Block b, Scope scope, StringBuilder sb) {
    List<String> w = b.words();
    String keyVar = null;
    String valueVar = null;
    int assign = w.indexOf(":=");
    if (assign > 0) {
      List<String> vars = new ArrayList<>();
      for (String v : w.subList(0, assign)) {
        for (String name : v.split(",")) {
          if (!name.isEmpty()) {
            vars.add(name);
          }
        }
      }
      if (vars.size() == 1) {
        valueVar = vars.getFirst();
      } else if (vars.size() == 2) {
        keyVar = vars.get(0);
        valueVar = vars.get(1);
      } else {
        throw new IllegalArgumentException("template: range can declare one or two variables");
      }
      w = w.subList(assign + 1, w.size());
    }
    JsonNode over = pipeline(w, scope);
    List<java.util.Map.Entry<JsonNode, JsonNode>> items = new ArrayList<>();
    if (over.isArray()) {
      for (int i = 0; i < over.size(); i++) {
        items.add(java.util.Map.entry(MAPPER.getNodeFactory().numberNode(i), over.get(i)));
      }
    } else if (over.isObject()) {
      List<String> keys = new ArrayList<>();
      over.fieldNames().forEachRemaining(keys::add);
      keys.sort(null);
      for (String k : keys) {
        items.add(java.util.Map.entry(MAPPER.getNodeFactory().textNode(k), over.get(k)));
      }
    } else if (!over.isMissingNode() && !over.isNull()) {
      throw new IllegalArgumentException("template: range can't iterate over " + text(over));
    }
    if (items.isEmpty()) {
      render(b.otherwise(), scope, sb);
      return;
    }
    for (var e : items) {
      java.util.Map<String, JsonNode> vars = new java.util.HashMap<>();
      if (keyVar != null) {
        vars.put(keyVar, e.getKey());
      }
      if (valueVar != null) {
        vars.put(valueVar, e.getValue());
      }
      render(b.body(), scope.with(e.getValue(), vars), sb);
    }
  }

  /** The value of a block's argument: a field, a variable, or a function's result as text. */
  private static JsonNode pipeline(List<String> w, Scope scope) {
    if (w.isEmpty()) {
      throw new IllegalArgumentException("template: missing value for range or if");
    }
    if (w.size() == 1) {
      return value(scope, w.getFirst());
    }
    return MAPPER.getNodeFactory().textNode(eval(w, scope));
  }

  /** Go's truth: false, 0, nil, and empty strings, lists and maps are false. */
  private static boolean truthy(JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return false;
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    if (n.isNumber()) {
      return n.asDouble() != 0;
    }
    if (n.isTextual()) {
      return !n.asText().isEmpty();
    }
    return !n.isEmpty();
  }

  private static String eval(List<String> w, Scope data) {
    if (w.isEmpty()) {
      return "";
    }
    String fn = w.getFirst();
    try {
      return switch (fn) {
        case "json" -> MAPPER.writeValueAsString(w.size() > 1 ? value(data, w.get(1)) : data.dot());
        case "upper" -> text(value(data, w.get(1))).toUpperCase(Locale.ROOT);
        case "lower" -> text(value(data, w.get(1))).toLowerCase(Locale.ROOT);
        case "len" -> Integer.toString(value(data, w.get(1)).size());
        case "index" -> text(value(data, w.get(1)).path(literal(w.get(2))));
        case "join" -> {
          JsonNode list = value(data, w.get(1));
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

  private static JsonNode value(Scope scope, String w) {
    if (w.startsWith("\u0000")) {
      return MAPPER.getNodeFactory().textNode(w.substring(1));
    }
    if (w.startsWith("$")) {
      int dot = w.indexOf('.');
      String name = dot < 0 ? w : w.substring(0, dot);
      JsonNode base = name.equals("$") ? scope.root() : scope.vars().get(name);
      if (base == null) {
        throw new IllegalArgumentException("template: undefined variable \"" + name + "\"");
      }
      return dot < 0 ? base : field(base, w.substring(dot));
    }
    return field(scope.dot(), w);
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
