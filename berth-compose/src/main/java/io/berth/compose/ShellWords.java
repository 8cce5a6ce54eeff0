package io.berth.compose;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a string command ({@code command: npm start --port 80}) into words as compose does:
 * whitespace separates, single and double quotes group, a backslash escapes; no expansion.
 */
final class ShellWords {
  private ShellWords() {}

  static List<String> split(String s, String path) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"' && i + 1 < s.length()) {
          cur.append(s.charAt(++i));
        } else {
          cur.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (c == '\\' && i + 1 < s.length()) {
        cur.append(s.charAt(++i));
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          out.add(cur.toString());
          cur.setLength(0);
          inWord = false;
        }
      } else {
        cur.append(c);
        inWord = true;
      }
    }
    if (quote != 0) {
      throw new ComposeException(path + ": unterminated quote in \"" + s + "\"");
    }
    if (inWord) {
      out.add(cur.toString());
    }
    return out;
  }
}
