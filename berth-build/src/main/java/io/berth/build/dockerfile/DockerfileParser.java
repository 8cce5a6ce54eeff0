package io.berth.build.dockerfile;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.oci.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Dockerfile text into {@link Node}s with Docker's lexical rules: parser directives at the
 * top ({@code # escape=`}), comments, line continuations with the escape character (comment and
 * blank lines inside a continuation are skipped), {@code --flags}, exec form as a JSON array with a
 * fallback to shell form, and here-documents on RUN, COPY and ADD. What an instruction means is
 * checked later ({@link InstructionFactory}); this class only knows the shape of lines.
 */
public final class DockerfileParser {
  private static final Pattern DIRECTIVE = Pattern.compile("^#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.*?)\\s*$");
  private static final Pattern HEREDOC = Pattern.compile("<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\\2");
  private static final Set<String> HEREDOC_INSTRUCTIONS = Set.of("RUN", "COPY", "ADD");
  private static final Set<String> KNOWN_DIRECTIVES = Set.of("escape", "syntax", "check");

  private final String file;
  private final String[] lines;
  private char escape = '\\';
  private int pos;

  private DockerfileParser(String file, String text) {
    this.file = file;
    String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
    this.lines = t.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].endsWith("\r")) {
        lines[i] = lines[i].substring(0, lines[i].length() - 1);
      }
    }
  }

  /** Parses a whole Dockerfile; {@code file} names it in error messages. */
  public static Parsed parse(String file, String text) {
    DockerfileParser p = new DockerfileParser(file, text);
    p.directives();
    List<Node> nodes = new ArrayList<>();
    while (p.pos < p.lines.length) {
      Node n = p.next();
      if (n != null) {
        nodes.add(n);
      }
    }
    return new Parsed(nodes, p.escape);
  }

  /** The instructions in order and the escape character the file chose. */
  public record Parsed(List<Node> nodes, char escape) {}

  private void directives() {
    Set<String> seen = new java.util.HashSet<>();
    while (pos < lines.length) {
      Matcher m = DIRECTIVE.matcher(lines[pos]);
      if (!m.matches()) {
        return;
      }
      String name = m.group(1).toLowerCase(Locale.ROOT);
      if (!KNOWN_DIRECTIVES.contains(name)) {
        return; // an ordinary comment that happens to contain '='
      }
      if (!seen.add(name)) {
        throw SyntaxErrors.at(file, pos + 1, lines[pos], "only one " + name + " parser directive can be used");
      }
      if (name.equals("escape")) {
        String v = m.group(2);
        if (!v.equals("`") && !v.equals("\\")) {
          throw SyntaxErrors.at(file, pos + 1, lines[pos], "invalid escape token '" + v + "' does not match ` or \\");
        }
        escape = v.charAt(0);
      }
      pos++;
    }
  }

  /** Reads the next instruction, or null when only blank lines and comments remained. */
  private Node next() {
    while (pos < lines.length && isBlankOrComment(lines[pos])) {
      pos++;
    }
    if (pos >= lines.length) {
      return null;
    }
    int start = pos + 1;
    StringBuilder logical = new StringBuilder();
    String line = lines[pos++].stripLeading();
    while (true) {
      String body = continued(line);
      if (body == null) {
        logical.append(line);
        break;
      }
      logical.append(body);
      while (pos < lines.length && isBlankOrComment(lines[pos])) {
        pos++;
      }
      if (pos >= lines.length) {
        break;
      }
      line = lines[pos++];
    }
    String text = logical.toString().strip();
    int sp = indexOfSpace(text);
    String keyword = (sp < 0 ? text : text.substring(0, sp)).toUpperCase(Locale.ROOT);
    String rest = sp < 0 ? "" : text.substring(sp).strip();
    Map<String, List<String>> flags = new LinkedHashMap<>();
    rest = extractFlags(rest, flags, start, text);
    List<Node.Heredoc> heredocs = HEREDOC_INSTRUCTIONS.contains(keyword) && !rest.startsWith("[")
        ? heredocs(rest, start) : List.of();
    List<String> json = rest.startsWith("[") ? jsonArray(rest) : null;
    List<String> args = json != null ? json : (rest.isEmpty() ? List.of() : List.of(rest));
    return new Node(keyword, flags, args, json != null, heredocs, start, pos, text);
  }

  /** The line without its trailing escape character if it continues on the next line, else null. */
  private String continued(String line) {
    String r = line.stripTrailing();
    if (r.isEmpty() || r.charAt(r.length() - 1) != escape) {
      return null;
    }
    return r.substring(0, r.length() - 1);
  }

  private static boolean isBlankOrComment(String line) {
    String s = line.strip();
    return s.isEmpty() || s.charAt(0) == '#';
  }

  private static int indexOfSpace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  /** Moves leading {@code --name[=value]} words into {@code flags}; returns what is left. */
  private String extractFlags(String rest, Map<String, List<String>> flags, int line, String text) {
    String r = rest;
    while (r.startsWith("--")) {
      int end = flagEnd(r);
      String word = r.substring(2, end);
      r = r.substring(end).stripLeading();
      if (word.isEmpty()) {
        break; // a bare "--" ends the flags
      }
      int eq = word.indexOf('=');
      String name = (eq < 0 ? word : word.substring(0, eq)).toLowerCase(Locale.ROOT);
      if (!name.matches("[a-z][a-z0-9-]*")) {
        throw SyntaxErrors.at(file, line, text, "malformed flag --" + word);
      }
      String value = eq < 0 ? "true" : unquote(word.substring(eq + 1));
      flags.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return r;
  }

  /** End of a flag word: the first unquoted whitespace. */
  private static int flagEnd(String s) {
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (Character.isWhitespace(c)) {
        return i;
      }
    }
    return s.length();
  }

  private static String unquote(String v) {
    if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }

  /** Consumes the bodies of every {@code <<NAME} in {@code rest} from the lines that follow. */
  private List<Node.Heredoc> heredocs(String rest, int start) {
    List<Node.Heredoc> out = new ArrayList<>();
    Matcher m = HEREDOC.matcher(rest);
    while (m.find()) {
      boolean chomp = !m.group(1).isEmpty();
      boolean expand = m.group(2).isEmpty();
      String name = m.group(3);
      StringBuilder body = new StringBuilder();
      boolean closed = false;
      while (pos < lines.length) {
        String l = lines[pos++];
        String cmp = chomp ? stripTabs(l) : l;
        if (cmp.equals(name)) {
          closed = true;
          break;
        }
        body.append(cmp).append('\n');
      }
      if (!closed) {
        throw SyntaxErrors.at(file, start, rest, "unterminated heredoc " + name);
      }
      out.add(new Node.Heredoc(name, body.toString(), expand, chomp));
    }
    return out;
  }

  private static String stripTabs(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) == '\t') {
      i++;
    }
    return s.substring(i);
  }

  /** The strings of a JSON array, or null when {@code rest} is not one (then it is shell form). */
  private static List<String> jsonArray(String rest) {
    JsonNode n;
    try (com.fasterxml.jackson.core.JsonParser p = Json.MAPPER.createParser(rest)) {
      n = Json.MAPPER.readTree(p);
      if (p.nextToken() != null) {
        return null; // trailing text after the array: Docker treats the line as shell form
      }
    } catch (Exception e) {
      return null;
    }
    if (n == null || !n.isArray()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : n) {
      if (!e.isTextual()) {
        return null;
      }
      out.add(e.asText());
    }
    return out;
  }
}
