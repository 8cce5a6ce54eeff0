package io.berth.build.context;

import io.berth.errdefs.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code .dockerignore} with Docker's semantics: one pattern per line, {@code #} comments, paths
 * cleaned and relative to the context root, {@code *} and {@code ?} within one path segment,
 * {@code **} across any number of segments, {@code !} re-including what an earlier line excluded,
 * the last matching line deciding, and a pattern that matches a directory covering everything
 * below it.
 */
public final class DockerIgnore {
  private record Rule(Pattern regex, boolean exclusion, String text) {}

  private final List<Rule> rules;
  private final boolean hasExclusions;

  private DockerIgnore(List<Rule> rules) {
    this.rules = rules;
    this.hasExclusions = rules.stream().anyMatch(Rule::exclusion);
  }

  public static DockerIgnore none() {
    return new DockerIgnore(List.of());
  }

  public static DockerIgnore parse(String text) {
    List<Rule> rules = new ArrayList<>();
    int lineNo = 0;
    for (String raw : text.split("\n", -1)) {
      lineNo++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      boolean exclusion = line.startsWith("!");
      if (exclusion) {
        line = line.substring(1).strip();
        if (line.isEmpty()) {
          throw new InvalidArgumentException(".dockerignore line " + lineNo + ": illegal exclusion pattern: \"!\"");
        }
      }
      String cleaned = clean(line);
      if (cleaned.isEmpty() || cleaned.equals(".")) {
        continue;
      }
      try {
        rules.add(new Rule(Pattern.compile(toRegex(cleaned)), exclusion, line));
      } catch (PatternSyntaxException e) {
        throw new InvalidArgumentException(".dockerignore line " + lineNo + ": bad pattern \"" + line + "\"");
      }
    }
    return new DockerIgnore(List.copyOf(rules));
  }

  /** Whether {@code path} (slash separated, relative to the context root) is left out. */
  public boolean excluded(String path) {
    String p = clean(path);
    List<String> parents = parents(p);
    boolean excluded = false;
    for (Rule r : rules) {
      if (r.exclusion() != excluded) {
        continue; // cannot change the outcome
      }
      if (matches(r, p, parents)) {
        excluded = !r.exclusion();
      }
    }
    return excluded;
  }

  /**
   * Whether a walk must still descend into an excluded directory because a {@code !} line might
   * bring back something inside it.
   */
  public boolean mayReinclude() {
    return hasExclusions;
  }

  private static boolean matches(Rule r, String path, List<String> parents) {
    if (r.regex().matcher(path).matches()) {
      return true;
    }
    for (String parent : parents) {
      if (r.regex().matcher(parent).matches()) {
        return true;
      }
    }
    return false;
  }

  /** {@code a}, {@code a/b} for {@code a/b/c}: the directories above a path. */
  private static List<String> parents(String path) {
    List<String> out = new ArrayList<>();
    int i = path.indexOf('/');
    while (i > 0) {
      out.add(path.substring(0, i));
      i = path.indexOf('/', i + 1);
    }
    return out;
  }

  /** Like Go's path.Clean plus dropping a leading slash: the context is the root. */
  public static String clean(String path) {
    List<String> out = new ArrayList<>();
    for (String seg : path.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        if (!out.isEmpty()) {
          out.removeLast();
        }
        continue;
      }
      out.add(seg);
    }
    return String.join("/", out);
  }

  private static String toRegex(String pattern) {
    StringBuilder re = new StringBuilder("^");
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      switch (c) {
        case '*' -> {
          if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
            i++;
            if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '/') {
              i++;
            }
            re.append(i + 1 >= pattern.length() ? ".*" : "(.*/)?");
          } else {
            re.append("[^/]*");
          }
        }
        case '?' -> re.append("[^/]");
        case '\\' -> {
          if (i + 1 < pattern.length()) {
            re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
          }
        }
        case '[' -> {
          int end = pattern.indexOf(']', i + 1);
          if (end < 0) {
            throw new PatternSyntaxException("unclosed [", pattern, i);
          }
          String cls = pattern.substring(i + 1, end);
          if (cls.startsWith("!")) {
            cls = "^" + cls.substring(1);
          }
          re.append('[').append(cls.replace("\\", "\\\\")).append(']');
          i = end;
        }
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return re.append('$').toString();
  }
}
