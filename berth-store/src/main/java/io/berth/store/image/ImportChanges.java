package io.berth.store.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.ContainerConfig;
import io.berth.oci.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Applies {@code docker import --change} lines (the Dockerfile instructions that only touch the
 * config: CMD, ENTRYPOINT, ENV, EXPOSE, WORKDIR, USER, LABEL, VOLUME, STOPSIGNAL) to a config.
 */
public final class ImportChanges {
  private ImportChanges() {}

  public static ContainerConfig apply(ContainerConfig base, List<String> changes) {
    String user = base.user();
    Map<String, Object> ports = base.exposedPorts() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(base.exposedPorts());
    List<String> env = base.env() == null ? new ArrayList<>() : new ArrayList<>(base.env());
    List<String> entrypoint = base.entrypoint();
    List<String> cmd = base.cmd();
    Map<String, Object> volumes = base.volumes() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(base.volumes());
    String workdir = base.workingDir();
    Map<String, String> labels = base.labels() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(base.labels());
    String stopSignal = base.stopSignal();
    for (String raw : changes) {
      for (String line : raw.split("\n")) {
        String change = line.trim();
        if (change.isEmpty()) {
          continue;
        }
        int sp = change.indexOf(' ');
        String instr = (sp < 0 ? change : change.substring(0, sp)).toUpperCase(Locale.ROOT);
        String arg = sp < 0 ? "" : change.substring(sp + 1).trim();
        switch (instr) {
          case "CMD" -> cmd = command(arg, instr);
          case "ENTRYPOINT" -> entrypoint = command(arg, instr);
          case "ENV" -> {
            for (String kv : keyValues(arg, instr)) {
              String k = kv.substring(0, kv.indexOf('='));
              env.removeIf(e -> e.startsWith(k + "="));
              env.add(kv);
            }
          }
          case "LABEL" -> {
            for (String kv : keyValues(arg, instr)) {
              labels.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
          }
          case "EXPOSE" -> {
            for (String p : arg.split("\\s+")) {
              if (!p.matches("\\d{1,5}(/(tcp|udp|sctp))?")) {
                throw new InvalidArgumentException("invalid EXPOSE port: " + p);
              }
              ports.put(p.contains("/") ? p : p + "/tcp", Map.of());
            }
          }
          case "WORKDIR" -> workdir = requireArg(arg, instr);
          case "USER" -> user = requireArg(arg, instr);
          case "STOPSIGNAL" -> stopSignal = requireArg(arg, instr);
          case "VOLUME" -> {
            for (String v : arg.startsWith("[") ? jsonList(arg, instr) : List.of(arg.split("\\s+"))) {
              volumes.put(v, Map.of());
            }
          }
          default -> throw new InvalidArgumentException(instr + " is not a valid change command");
        }
      }
    }
    return new ContainerConfig(user, ports.isEmpty() ? null : ports, env.isEmpty() ? null : env,
        entrypoint, cmd, volumes.isEmpty() ? null : volumes, workdir, labels.isEmpty() ? null : labels,
        stopSignal, base.healthcheck(), base.onBuild(), base.shell());
  }

  private static String requireArg(String arg, String instr) {
    if (arg.isEmpty()) {
      throw new InvalidArgumentException(instr + " requires exactly one argument");
    }
    return arg;
  }

  /** Exec form (JSON array) or shell form wrapped in {@code /bin/sh -c}. */
  private static List<String> command(String arg, String instr) {
    if (arg.startsWith("[")) {
      return jsonList(arg, instr);
    }
    return List.of("/bin/sh", "-c", requireArg(arg, instr));
  }

  private static List<String> jsonList(String arg, String instr) {
    try {
      JsonNode n = Json.MAPPER.readTree(arg);
      List<String> out = new ArrayList<>();
      if (!n.isArray()) {
        throw new InvalidArgumentException(instr + ": expected a JSON array of strings");
      }
      for (JsonNode x : n) {
        if (!x.isTextual()) {
          throw new InvalidArgumentException(instr + ": expected a JSON array of strings");
        }
        out.add(x.asText());
      }
      return out;
    } catch (java.io.IOException e) {
      throw new InvalidArgumentException(instr + ": invalid JSON " + arg);
    }
  }

  /** {@code K=V K2="v 2"} or the legacy {@code K V} form. */
  private static List<String> keyValues(String arg, String instr) {
    List<String> out = new ArrayList<>();
    if (!arg.contains("=")) {
      int sp = arg.indexOf(' ');
      if (sp <= 0) {
        throw new InvalidArgumentException(instr + " requires a key and a value");
      }
      out.add(arg.substring(0, sp) + "=" + arg.substring(sp + 1).trim());
      return out;
    }
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < arg.length(); i++) {
      char ch = arg.charAt(i);
      if (ch == '"') {
        quoted = !quoted;
      } else if (ch == '\\' && i + 1 < arg.length()) {
        cur.append(arg.charAt(++i));
      } else if (Character.isWhitespace(ch) && !quoted) {
        if (!cur.isEmpty()) {
          out.add(cur.toString());
          cur.setLength(0);
        }
      } else {
        cur.append(ch);
      }
    }
    if (quoted) {
      throw new InvalidArgumentException(instr + ": unterminated quote in " + arg);
    }
    if (!cur.isEmpty()) {
      out.add(cur.toString());
    }
    for (String kv : out) {
      if (kv.indexOf('=') <= 0) {
        throw new InvalidArgumentException(instr + ": expected KEY=VALUE, got " + kv);
      }
    }
    return out;
  }
}
