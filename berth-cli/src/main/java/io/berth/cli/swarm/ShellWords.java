package io.berth.cli.swarm;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits {@code --args "sh -c 'echo hi'"} into words as docker does (shlex): whitespace
 * separates, single quotes keep everything, double quotes keep all but backslash escapes, a
 * backslash outside quotes escapes the next character.
 */
final class ShellWords {
  private ShellWords() {}

  static List<String> split(String s) {
    return split(s, "--args");
  }

  /** As {@link #split(String)}; {@code flag} names the flag in errors. */
  static List<String> split(String s, String flag) {
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean inWord = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\'') {
        int end = s.indexOf('\'', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("invalid argument \"" + s + "\" for \"" + flag + "\" flag: EOF found when expecting closing quote");
        }
        w.append(s, i + 1, end);
        i = end;
        inWord = true;
      } else if (c == '"') {
        int j = i + 1;
        for (; j < s.length() && s.charAt(j) != '"'; j++) {
          if (s.charAt(j) == '\\' && j + 1 < s.length()) {
            j++;
          }
          w.append(s.charAt(j));
        }
        if (j >= s.length()) {
          throw new IllegalArgumentException("invalid argument \"" + s + "\" for \"" + flag + "\" flag: EOF found when expecting closing quote");
        }
        i = j;
        inWord = true;
      } else if (c == '\\' && i + 1 < s.length()) {
        w.append(s.charAt(++i));
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(w.toString());
          w.setLength(0);
          inWord = false;
        }
      } else {
        w.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(w.toString());
    }
    return words;
  }
}
