package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --security-opt} as the docker CLI sends it: every option but {@code no-new-privileges}
 * needs a value, and {@code seccomp=FILE} sends the file's JSON content (compacted), since the
 * daemon reads profiles, not paths; {@code builtin} and {@code unconfined} are names, not files.
 */
final class SecurityOptFlag {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SecurityOptFlag() {}

  static List<String> resolve(List<String> opts) {
    List<String> out = new ArrayList<>();
    for (String opt : opts) {
      int sep = opt.indexOf('=');
      if (sep < 0 && !opt.equals("no-new-privileges")) {
        sep = opt.indexOf(':');
      }
      String key = sep < 0 ? opt : opt.substring(0, sep);
      String value = sep < 0 ? "" : opt.substring(sep + 1);
      if (value.isEmpty() && !key.equals("no-new-privileges")) {
        throw new IllegalArgumentException("invalid --security-opt: \"" + opt + "\"");
      }
      if (key.equals("seccomp") && !value.equals("builtin") && !value.equals("unconfined")) {
        out.add("seccomp=" + profile(value));
      } else {
        out.add(opt);
      }
    }
    return out;
  }

  private static String profile(String file) {
    byte[] content;
    try {
      content = Files.readAllBytes(Path.of(file));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("opening seccomp profile (" + file + ") failed: " + e.getMessage());
    }
    try {
      JsonNode json = MAPPER.readTree(content);
      if (json == null) {
        throw new IOException("empty file");
      }
      return MAPPER.writeValueAsString(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("compacting json for seccomp profile (" + file + ") failed: " + e.getMessage());
    }
  }
}
