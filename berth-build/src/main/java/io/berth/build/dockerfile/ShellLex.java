package io.berth.build.dockerfile;

import io.berth.errdefs.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Docker's word processing for instruction arguments (not RUN, which the shell handles): single
 * quotes are literal, double quotes allow {@code $} expansion, the escape character protects the
 * next character, and variables expand as {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-default}},
 * {@code ${VAR-default}}, {@code ${VAR:+alt}}, {@code ${VAR+alt}}, {@code ${VAR:?message}} and
 * {@code ${VAR?message}}. Unset variables are empty. The result is not split into words.
 */
public final class ShellLex {
  private final char escape;
  private final Function<String, String> env;
  private String s;
  private int i;

  /** {@code env} answers a variable's value, or null when it is unset. */
  public ShellLex(char escape, Function<String, String> env) {
    this.escape = escape;
    this.env = env;
  }

  /** Processes one word: quotes removed, escapes applied, variables expanded. */
  public String expand(String word) {
    String saveS = s;
    int saveI = i;
    s = word;
    i = 0;
    try {
      return processUntil((char) 0);
    } finally {
      s = saveS;
      i = saveI;
    }
  }

  /**
   * Splits {@code text} on unquoted, unescaped whitespace and processes every word (used for ENV
   * and LABEL pairs and for COPY/ADD sources). A word that ends up empty is kept only if it was
   * quoted.
   */
  public List<String> expandWords(String text) {
    List<String> out = new ArrayList<>();
    for (String w : splitWords(text, escape)) {
      out.add(expand(w));
    }
    return out;
  }

  /** Splits on unquoted whitespace, keeping quotes and escapes in the words for later processing. */
  public static List<String> splitWords(String text, char escape) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    char quote = 0;
    boolean inWord = false;
    for (int k = 0; k < text.length(); k++) {
      char c = text.charAt(k);
      if (quote == 0 && Character.isWhitespace(c)) {
        if (inWord) {
          out.add(w.toString());
          w.setLength(0);
          inWord = false;
        }
        continue;
      }
      inWord = true;
      w.append(c);
      if (c == escape && quote != '\'' && k + 1 < text.length()) {
        w.append(text.charAt(++k));
      } else if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (quote != 0 && c == quote) {
        quote = 0;
      }
    }
    if (quote != 0) {
      throw new InvalidArgumentException("unexpected end of statement while looking for matching " + quote);
    }
    if (inWord) {
      out.add(w.toString());
    }
    return out;
  }

  /** Processes characters until {@code stop} (outside quotes) or the end. */
  private String processUntil(char stop) {
    StringBuilder out = new StringBuilder();
    while (i < s.length()) {
      char c = s.charAt(i);
      if (stop != 0 && c == stop) {
        return out.toString();
      }
      if (c == '\'') {
        i++;
        int end = s.indexOf('\'', i);
        if (end < 0) {
          throw new InvalidArgumentException("unexpected end of statement while looking for matching '");
        }
        out.append(s, i, end);
        i = end + 1;
      } else if (c == '"') {
        i++;
        out.append(doubleQuoted());
      } else if (c == '$') {
        out.append(dollar());
      } else if (c == escape) {
        i++;
        if (i < s.length()) {
          out.append(s.charAt(i++));
        }
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private String doubleQuoted() {
    StringBuilder out = new StringBuilder();
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '"') {
        i++;
        return out.toString();
      }
      if (c == '$') {
        out.append(dollar());
      } else if (c == escape && i + 1 < s.length()) {
        char n = s.charAt(i + 1);
        if (n == '"' || n == '$' || n == escape) {
          out.append(n);
        } else {
          out.append(c).append(n);
        }
        i += 2;
      } else {
        out.append(c);
        i++;
      }
    }
    throw new InvalidArgumentException("unexpected end of statement while looking for matching \"");
  }

  /** At a {@code $}: a variable reference, or a literal dollar when no name follows. */
  private String dollar() {
    i++;
    if (i >= s.length()) {
      return "$";
    }
    char c = s.charAt(i);
    if (c == '{') {
      i++;
      return braced();
    }
    int start = i;
    while (i < s.length() && isNameChar(s.charAt(i))) {
      i++;
    }
    if (start == i) {
      return "$";
    }
    String v = env.apply(s.substring(start, i));
    return v == null ? "" : v;
  }

  private String braced() {
    int start = i;
    while (i < s.length() && isNameChar(s.charAt(i))) {
      i++;
    }
    String name = s.substring(start, i);
    if (name.isEmpty()) {
      throw new InvalidArgumentException("bad substitution: missing variable name in ${...}");
    }
    if (i >= s.length()) {
      throw new InvalidArgumentException("bad substitution: missing '}' after ${" + name);
    }
    char c = s.charAt(i);
    if (c == '}') {
      i++;
      String v = env.apply(name);
      return v == null ? "" : v;
    }
    boolean colon = c == ':';
    if (colon) {
      i++;
      if (i >= s.length()) {
        throw new InvalidArgumentException("bad substitution: ${" + name + ":");
      }
      c = s.charAt(i);
    }
    if (c != '-' && c != '+' && c != '?') {
      throw new InvalidArgumentException("unsupported modifier (" + (colon ? ":" : "") + c + ") in substitution ${"
          + name + "...}");
    }
    i++;
    String word = processUntil('}');
    if (i >= s.length()) {
      throw new InvalidArgumentException("bad substitution: missing '}' after ${" + name);
    }
    i++;
    String v = env.apply(name);
    boolean unset = v == null || (colon && v.isEmpty());
    return switch (c) {
      case '-' -> unset ? word : v;
      case '+' -> unset ? "" : word;
      default -> {
        if (unset) {
          throw new InvalidArgumentException(name + ": " + (word.isEmpty() ? "is not allowed to be unset" : word));
        }
        yield v;
      }
    };
  }

  private static boolean isNameChar(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
}
