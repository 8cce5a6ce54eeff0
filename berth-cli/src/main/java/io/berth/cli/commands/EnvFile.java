package io.berth.cli.commands;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code -e} and {@code --env-file} as docker reads them: {@code NAME=value} is passed through
 * untouched (no trimming, no quotes removed), a bare {@code NAME} takes its value from our
 * environment and stays bare when unset, {@code #} lines and blank lines are skipped, and a name
 * with spaces is an error naming the line.
 */
public final class EnvFile {
  private EnvFile() {}

  public static List<String> parse(Path file, Map<String, String> env) throws IOException {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("env file " + file + " contains invalid utf8 bytes");
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException("open " + file + ": no such file or directory");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    List<String> out = new ArrayList<>();
    for (String raw : text.split("\r?\n", -1)) {
      String line = raw.stripLeading();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      String name = eq < 0 ? line.stripTrailing() : line.substring(0, eq);
      if (name.isEmpty()) {
        throw new IllegalArgumentException("invalid env file " + file + ": no variable name on line '" + line + "'");
      }
      if (name.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("invalid env file " + file + ": variable '" + name + "' contains whitespaces");
      }
      out.add(eq >= 0 ? line : bare(name, env));
    }
    return out;
  }

  /** One {@code -e} value. */
  public static String flag(String value, Map<String, String> env) {
    int eq = value.indexOf('=');
    if (eq == 0) {
      throw new IllegalArgumentException("invalid environment variable: " + value);
    }
    return eq > 0 ? value : bare(value, env);
  }

  private static String bare(String name, Map<String, String> env) {
    String v = env.get(name);
    return v == null ? name : name + "=" + v;
  }
}
