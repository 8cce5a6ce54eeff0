package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.commands.Base;
import io.berth.cli.commands.MountFlag;
import io.berth.client.ApiClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A service's {@code --secret}/{@code --config} (and their {@code -add/-rm} forms) as docker's
 * SecretOpt and ConfigOpt read them: a name, or {@code source=S,target=T,uid=U,gid=G,mode=0400};
 * the target defaults to the source, owner and group to 0, the mode to 0444. Names are looked up
 * in the swarm (an exact name match, docker's "secret not found: X") and sent as id and name.
 */
final class PayloadFlag {
  /** Which of the two: its word, API path and the reference's id and name fields. */
  enum Kind {
    SECRET("secret", "/secrets", "Secrets", "SecretID", "SecretName"),
    CONFIG("config", "/configs", "Configs", "ConfigID", "ConfigName");

    final String word;
    final String path;
    final String field;
    final String idField;
    final String nameField;

    Kind(String word, String path, String field, String idField, String nameField) {
      this.word = word;
      this.path = path;
      this.field = field;
      this.idField = idField;
      this.nameField = nameField;
    }
  }

  private PayloadFlag() {}

  /** One reference as the flag gives it (the id not yet looked up). */
  static ObjectNode parse(Kind kind, String value, String flag) {
    ObjectNode ref = Base.obj();
    ObjectNode file = Base.obj();
    String source = null;
    String target = null;
    String uid = "0";
    String gid = "0";
    int mode = 0444;
    if (!value.contains("=")) {
      source = value;
    } else {
      for (String field : MountFlag.csv(value)) {
        int eq = field.indexOf('=');
        if (eq <= 0) {
          throw bad(value, flag, "invalid field '" + field + "' must be a key=value pair");
        }
        String key = field.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        String val = field.substring(eq + 1).trim();
        switch (key) {
          case "source", "src" -> source = val;
          case "target" -> target = val;
          case "uid" -> uid = val;
          case "gid" -> gid = val;
          case "mode" -> {
            try {
              mode = Integer.parseInt(val, 8);
            } catch (NumberFormatException e) {
              throw bad(value, flag, "invalid mode specified: " + val);
            }
          }
          default -> throw bad(value, flag, "invalid field in " + kind.word + " request: " + key);
        }
      }
    }
    if (source == null || source.isEmpty()) {
      throw bad(value, flag, "source is required");
    }
    file.put("Name", target == null || target.isEmpty() ? source : target);
    file.put("UID", uid);
    file.put("GID", gid);
    file.put("Mode", mode);
    ref.set("File", file);
    ref.put(kind.nameField, source);
    return ref;
  }

  /** The references with their ids, each name looked up among the swarm's objects of {@code kind}. */
  static ArrayNode resolve(ApiClient api, Kind kind, List<ObjectNode> refs) throws IOException {
    ArrayNode out = Base.JSON.createArrayNode();
    for (ObjectNode r : refs) {
      String name = r.path(kind.nameField).asText();
      String id = null;
      try (ApiClient.Response resp = api.get(kind.path + "?filters=" + Base.enc("{\"names\":[\"" + name.replace("\"", "")
          + "\"]}"))) {
        for (JsonNode p : resp.json()) {
          if (p.path("Spec").path("Name").asText().equals(name)) {
            id = p.path("ID").asText();
          }
        }
      }
      if (id == null) {
        throw new IllegalArgumentException(kind.word + " not found: " + name);
      }
      ObjectNode full = r.deepCopy();
      full.put(kind.idField, id);
      out.add(full);
    }
    return out;
  }

  /** docker's update: the references named in {@code removed} go (by name), the added ones come first. */
  static void update(ApiClient api, Kind kind, ObjectNode containerSpec, List<String> added, List<String> removed,
      String addFlag) throws IOException {
    List<ObjectNode> parsed = new ArrayList<>();
    added.forEach(v -> parsed.add(parse(kind, v, addFlag)));
    ArrayNode next = resolve(api, kind, parsed);
    Set<String> gone = Set.copyOf(removed);
    for (JsonNode r : containerSpec.path(kind.field)) {
      if (!gone.contains(r.path(kind.nameField).asText())) {
        next.add(r);
      }
    }
    containerSpec.set(kind.field, next);
  }

  private static IllegalArgumentException bad(String value, String flag, String why) {
    return new IllegalArgumentException("invalid argument \"" + value + "\" for \"" + flag + "\" flag: " + why);
  }
}
