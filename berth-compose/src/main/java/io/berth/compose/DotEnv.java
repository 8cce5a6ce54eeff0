package io.berth.compose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code .env} and {@code env_file} files as compose reads them: {@code KEY=VALUE} lines,
 * optional {@code export}, comments, single quotes taken literally, double quotes with
 * {@code \n} escapes, unquoted values cut at an inline {@code " #"}; a bare {@code KEY} takes
 * the variable from {@code lookup} (absent when unknown).
 */
public final class DotEnv {
  private DotEnv() {}

  public static Map<String, String> read(Path file, Map<String, String> lookup) {
    try {
      return parse(Files.readAllLines(file), file.toString(), lookup);
    } catch (IOException e) {
      throw new ComposeException("couldn't read env file " + file + ": " + e.getMessage(), e);
    }
  }

  static Map<String, String> parse(List<String> lines, String where, Map<String, String> lookup) {
    Map<String, String> out = new LinkedHashMap<>();
    int n = 0;
    for (String raw : lines) {
      n++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring(7).strip();
      }
      int eq = line.indexOf('=');
      String key = (eq < 0 ? line : line.substring(0, eq)).strip();
      if (!key.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
        throw new ComposeException(where + " line " + n + ": invalid variable name \"" + key + "\"");
      }
      if (eq < 0) {
        String v = lookup.get(key);
        if (v != null) {
          out.put(key, v);
        }
        continue;
      }
      out.put(key, value(line.substring(eq + 1).strip()));
    }
    return out;
  }

  private static String value(String v) {
    if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
      return v.substring(1, v.length() - 1);
    }
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      return v.substring(1, v.length() - 1).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
    }
    int hash = v.indexOf(" #");
    return hash >= 0 ? v.substring(0, hash).strip() : v;
  }
}
