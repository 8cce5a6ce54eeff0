package io.berth.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;

/**
 * Compose's variable substitution in every string value of a file: {@code $VAR}, {@code ${VAR}},
 * {@code ${VAR:-default}} / {@code ${VAR-default}} (unset or empty / unset),
 * {@code ${VAR:?error}} / {@code ${VAR?error}}, {@code ${VAR:+alt}} / {@code ${VAR+alt}}, nested
 * in defaults, and {@code $$} for a literal dollar. Keys are not interpolated.
 */
final class Interpolation {
  private final Function<String, String> env;

  Interpolation(Map<String, String> env) {
    this.env = env::get;
  }

  /** Interpolates {@code node} in place (the root must be an object). */
  void apply(JsonNode node, String path) {
    if (node instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (e.getValue().isTextual()) {
          e.setValue(TextNode.valueOf(substitute(e.getValue().asText(), p)));
        } else {
          apply(e.getValue(), p);
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        String p = path + "[" + i + "]";
        if (a.get(i).isTextual()) {
          a.set(i, TextNode.valueOf(substitute(a.get(i).asText(), p)));
        } else {
          apply(a.get(i), p);
        }
      }
    }
  }

  String substitute(String s, String path) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != '$') {
        out.append(c);
        i++;
        continue;
      }
      if (i + 1 >= s.length()) {
        out.append('$');
        i++;
        continue;
      }
      char n = s.charAt(i + 1);
      if (n == '$') {
        out.append('$');
        i += 2;
      } else if (n == '{') {
        int end = closing(s, i + 2);
        if (end < 0) {
          throw new ComposeException("invalid interpolation format for " + path + ": \"" + s
              + "\"; you may need to escape any $ with another $");
        }
        out.append(braced(s.substring(i + 2, end), path, s));
        i = end + 1;
      } else if (Character.isLetter(n) || n == '_') {
        int j = i + 1;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
          j++;
        }
        String v = env.apply(s.substring(i + 1, j));
        out.append(v == null ? "" : v);
        i = j;
      } else {
        out.append('$');
        i++;
      }
    }
    return out.toString();
  }

  /** The index of the brace closing the one opened before {@code from}, nesting counted. */
  private static int closing(String s, int from) {
    int depth = 1;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '{' && s.charAt(i - 1) == '$') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  private String braced(String expr, String path, String whole) {
    int k = 0;
    while (k < expr.length() && (Character.isLetterOrDigit(expr.charAt(k)) || expr.charAt(k) == '_')) {
      k++;
    }
    String name = expr.substring(0, k);
    if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
      throw new ComposeException("invalid interpolation format for " + path + ": \"" + whole + "\"");
    }
    String value = env.apply(name);
    String rest = expr.substring(k);
    if (rest.isEmpty()) {
      return value == null ? "" : value;
    }
    boolean colon = rest.startsWith(":");
    String op = colon ? rest.substring(0, Math.min(2, rest.length())) : rest.substring(0, 1);
    String arg = rest.substring(op.length());
    boolean unset = value == null || (colon && value.isEmpty());
    switch (op) {
      case ":-", "-" -> {
        return unset ? substitute(arg, path) : value;
      }
      case ":+", "+" -> {
        return unset ? "" : substitute(arg, path);
      }
      case ":?", "?" -> {
        if (unset) {
          String msg = substitute(arg, path);
          throw new ComposeException("required variable " + name + " is missing a value"
              + (msg.isEmpty() ? "" : ": " + msg));
        }
        return value;
      }
      default -> throw new ComposeException("invalid interpolation format for " + path + ": \"" + whole + "\"");
    }
  }
}
