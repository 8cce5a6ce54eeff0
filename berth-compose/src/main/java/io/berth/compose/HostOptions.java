package io.berth.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The service keys that map one-to-one onto {@code HostConfig} fields docker compose sets
 * (logging, ulimits, sysctls, security options, namespaces, DNS search, devices, ...), kept out
 * of {@link ContainerBodies} so that the body's structure stays readable there.
 */
final class HostOptions {
  private HostOptions() {}

  static void apply(JsonNode s, ObjectNode hc) {
    if (s.has("logging")) {
      JsonNode l = s.get("logging");
      ObjectNode lc = hc.putObject("LogConfig");
      lc.put("Type", l.path("driver").asText(""));
      ObjectNode cfg = lc.putObject("Config");
      l.path("options").fields().forEachRemaining(e -> cfg.put(e.getKey(), e.getValue().asText()));
    }
    if (s.has("ulimits")) {
      hc.set("Ulimits", ulimits(s.get("ulimits")));
    }
    if (s.has("sysctls")) {
      hc.set("Sysctls", sysctls(s.get("sysctls")));
    }
    BodyFields.list(s, "security_opt", hc, "SecurityOpt");
    BodyFields.list(s, "dns_search", hc, "DnsSearch");
    BodyFields.list(s, "dns_opt", hc, "DnsOptions");
    BodyFields.list(s, "group_add", hc, "GroupAdd");
    BodyFields.text(s, "pid", hc, "PidMode");
    BodyFields.text(s, "ipc", hc, "IpcMode");
    BodyFields.text(s, "cgroup_parent", hc, "CgroupParent");
    BodyFields.text(s, "userns_mode", hc, "UsernsMode");
    BodyFields.text(s, "runtime", hc, "Runtime");
    if (s.has("oom_score_adj")) {
      hc.put("OomScoreAdj", s.get("oom_score_adj").asInt());
    }
    if (s.has("oom_kill_disable")) {
      hc.put("OomKillDisable", s.get("oom_kill_disable").asBoolean());
    }
    if (s.has("devices")) {
      ArrayNode d = hc.putArray("Devices");
      for (JsonNode dev : s.get("devices")) {
        if (dev.isObject()) {
          d.addObject().put("PathOnHost", dev.path("source").asText()).put("PathInContainer", dev.path("target").asText())
              .put("CgroupPermissions", dev.path("permissions").asText("rwm"));
          continue;
        }
        // host[:container[:permissions]]
        String[] p = dev.asText().split(":");
        d.addObject().put("PathOnHost", p[0]).put("PathInContainer", p.length > 1 ? p[1] : p[0])
            .put("CgroupPermissions", p.length > 2 ? p[2] : "rwm");
      }
    }
  }

  /** Compose's {@code ulimits} (a number for both limits, or soft/hard) as the engine's Ulimits, by name. */
  static ArrayNode ulimits(JsonNode ulimits) {
    ArrayNode u = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    java.util.List<String> names = new java.util.ArrayList<>();
    ulimits.fieldNames().forEachRemaining(names::add);
    java.util.Collections.sort(names);
    for (String name : names) {
      JsonNode v = ulimits.get(name);
      ObjectNode o = u.addObject().put("Name", name);
      if (v.isObject()) {
        o.put("Soft", v.path("soft").asLong()).put("Hard", v.path("hard").asLong());
      } else {
        o.put("Soft", v.asLong()).put("Hard", v.asLong());
      }
    }
    return u;
  }

  /** Compose's {@code sysctls} (a list of k=v or a mapping) as a mapping. */
  static ObjectNode sysctls(JsonNode v) {
    ObjectNode out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    if (v.isArray()) {
      for (JsonNode kv : v) {
        String[] p = kv.asText().split("=", 2);
        out.put(p[0], p.length == 2 ? p[1] : "");
      }
    } else {
      v.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    }
    return out;
  }
}
