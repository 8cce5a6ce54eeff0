package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntUnaryOperator;

/**
 * Produces create bodies from a stream of choices, shaped by the Go types the body is checked
 * against ({@link CreateBodyTypes#types()}): every known field, sometimes with its right type
 * and a value from a list that reaches the rules behind it (security options, seccomp
 * profiles, cpusets, device paths, ports, modes...), sometimes with a wrong type, a number at
 * an integer type's edge, another spelling of its name, or unknown fields. The choices come
 * from Jazzer when fuzzing and from a seeded Random in the normal run.
 */
final class CreateBodyGrammar {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final String[] STRINGS = {"", "x", "host", "private", "none", "bridge", "default", "container:x",
      "shareable", "runc", "crun", "local", "0", "0-1", "1,0", "3-1", "0-9999999999", "a-b", "-1", "1000", "1000:1000",
      "99999999999", "root:99999999999", "/", "/dev/null", "/dev/loop0", "/dev/zero", "/dev", "/tmp", "rel/dir",
      "/srv/../x", "\u0000", "/a\u0000b", "80/tcp", "53/udp", "99999/tcp", "x/tcp", "8080", "8080-8090", "70000",
      "127.0.0.1", "::1", "[::1]", "1.2.3.256", "localhost", "no-new-privileges", "no-new-privileges=false",
      "no-new-privileges=maybe", "seccomp=unconfined", "seccomp=builtin", "seccomp=", "seccomp={",
      "seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
      "seccomp={\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\"}],"
          + "\"syscalls\":[{\"name\":\"read\",\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":9,\"op\":\"x\"}],"
          + "\"includes\":{\"minKernel\":\"a.b\",\"caps\":[1]}}]}",
      "seccomp={\"defaultAction\":[],\"syscalls\":7}", "seccomp=[null]", "apparmor=unconfined", "apparmor=x",
      "apparmor:", "label=disable", "label=type:x", "disable", "systempaths=unconfined", "bogus=1", "bogus", "=",
      ":", "CAP_NET_ADMIN", "net_admin", "ALL", "all", "BOGUS", "SIGTERM", "SIGRTMIN+3", "9", "0", "SIGBOGUS",
      "c 1:3 rwm", "a *:* m", "c 1:3", "b 99999999999999999999:1 r", "rwm", "xyz", "nofile", "bogus",
      "net.core.somaxconn", "kernel.hostname", "/v:/data", "named:/data:ro", "/a:/b:z,Z,shared", ":/x", "tmpfs",
      "bind", "volume", "size=64m", "mode=0700,bogus", "on-failure", "always", "sometimes", "json-file", "x:1.2.3.4",
      "CMD-SHELL", "NONE", "\u00e9\u00e8", "A=1", "=x"};
  private static final JsonNode[] NUMBERS = {F.numberNode(0), F.numberNode(-1), F.numberNode(1), F.numberNode(10),
      F.numberNode(1000), F.numberNode(65535), F.numberNode(65536), F.numberNode(4294967296L),
      F.numberNode(Long.MAX_VALUE), F.numberNode(Long.MIN_VALUE), F.numberNode(new BigInteger("18446744073709551615")),
      F.numberNode(new BigInteger("18446744073709551616")), F.numberNode(new BigInteger("-99999999999999999999")),
      F.numberNode(1.5), F.numberNode(1e300), F.numberNode(6291456), F.numberNode(104857600), F.numberNode(100_000)};

  /** Values (or map keys) that reach the rule behind a field; a field's generic strings are used too, rarely. */
  private static final java.util.Map<String, String[]> HINTS = java.util.Map.ofEntries(
      java.util.Map.entry("WorkingDir", new String[] {"", "/srv", "/srv//a/../b/", "rel/dir", "/a\u0000b"}),
      java.util.Map.entry("StopSignal", new String[] {"", "SIGTERM", "9", "SIGBOGUS", "SIGRTMIN+3", "0"}),
      java.util.Map.entry("User", new String[] {"", "1000", "1000:1000", "root", "99999999999", "root:99999999999"}),
      java.util.Map.entry("Hostname", new String[] {"", "", "box"}),
      java.util.Map.entry("MacAddress", new String[] {"", "", "", "02:42:ac:11:00:02"}),
      java.util.Map.entry("SecurityOpt", new String[] {"no-new-privileges", "no-new-privileges=false",
          "no-new-privileges=maybe", "seccomp=unconfined", "seccomp=builtin", "seccomp=", "seccomp={",
          "seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
          "seccomp={\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\"}],"
              + "\"syscalls\":[{\"name\":\"read\",\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":9,\"op\":\"x\"}],"
              + "\"includes\":{\"minKernel\":\"a.b\",\"caps\":[1]}}]}",
          "seccomp={\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\","
              + "\"errnoRet\":1,\"excludes\":{\"minKernel\":\"0.0\"}}],\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"]}",
          "seccomp={\"defaultAction\":[],\"syscalls\":7}", "seccomp=[null]", "seccomp=null",
          "apparmor=unconfined", "apparmor=x", "apparmor:", "label=disable", "label=type:x", "disable",
          "systempaths=unconfined", "systempaths=x", "bogus=1", "bogus", "=", ":"}),
      java.util.Map.entry("CapAdd", new String[] {"CAP_NET_ADMIN", "net_admin", "ALL", "all", "BOGUS", ""}),
      java.util.Map.entry("CapDrop", new String[] {"CAP_CHOWN", "kill", "ALL", "BOGUS"}),
      java.util.Map.entry("CpusetCpus", new String[] {"", "0", "0-1", "1,0", "3-1", "0-9999999999", "a-b", "-1", "9"}),
      java.util.Map.entry("CpusetMems", new String[] {"", "0", "1", "0-", ",", "0-9999"}),
      java.util.Map.entry("DeviceCgroupRules", new String[] {"c 1:3 rwm", "a *:* m", "c 1:3", "b 99999999999999999999:1 r"}),
      java.util.Map.entry("PathOnHost", new String[] {"/dev/null", "/dev/zero", "/dev/net", "/etc/hostname", "/nope",
          "", "/a\u0000b"}),
      java.util.Map.entry("Path", new String[] {"/dev/null", "/dev/loop0", "/nope", "", "/a\u0000b", "rel"}),
      java.util.Map.entry("CgroupPermissions", new String[] {"", "rwm", "r", "xyz"}),
      java.util.Map.entry("Binds", new String[] {"/tmp:/data", "named:/data:ro", "/a:/b:z,Z,shared", ":/x", "/x",
          "v:/d:nocopy", "/tmp:/etc/hosts:ro", "/a\u0000:/b"}),
      java.util.Map.entry("Tmpfs", new String[] {"/run", "/tmp", "rel", "/a\u0000"}),
      java.util.Map.entry("PortBindings", new String[] {"80/tcp", "53/udp", "99999/tcp", "x/tcp", "80"}),
      java.util.Map.entry("ExposedPorts", new String[] {"80/tcp", "53/udp", "x"}),
      java.util.Map.entry("HostIp", new String[] {"", "127.0.0.1", "::1", "[::1]", "1.2.3.256", "localhost", "0.0.0.0"}),
      java.util.Map.entry("HostPort", new String[] {"", "8080", "8080-8090", "70000", "x"}),
      java.util.Map.entry("Sysctls", new String[] {"net.core.somaxconn", "kernel.hostname", "kernel.shmmax", "fs.x"}),
      java.util.Map.entry("Name", new String[] {"nofile", "core", "bogus", "", "on-failure", "always", "sometimes"}),
      java.util.Map.entry("NetworkMode", new String[] {"", "default", "bridge", "host", "none", "container:x", "nope"}),
      java.util.Map.entry("PidMode", new String[] {"", "host", "container:x", "bogus"}),
      java.util.Map.entry("IpcMode", new String[] {"", "host", "private", "shareable", "none", "container:x", "bogus"}),
      java.util.Map.entry("UTSMode", new String[] {"", "host", "private"}),
      java.util.Map.entry("CgroupnsMode", new String[] {"", "host", "private", "shared"}),
      java.util.Map.entry("UsernsMode", new String[] {"", "host", "private"}),
      java.util.Map.entry("Runtime", new String[] {"", "runc", "crun"}),
      java.util.Map.entry("Isolation", new String[] {"", "default", "hyperv"}),
      java.util.Map.entry("VolumeDriver", new String[] {"", "local", "flocker"}),
      java.util.Map.entry("Type", new String[] {"bind", "volume", "tmpfs", "", "json-file", "none", "bogus"}),
      java.util.Map.entry("Target", new String[] {"/data", "/", "rel", ""}),
      java.util.Map.entry("Source", new String[] {"/tmp", "vol", "", "/nope", "/a\u0000"}),
      java.util.Map.entry("Volumes", new String[] {"/data", "rel", "/a\u0000"}),
      java.util.Map.entry("PathInContainer", new String[] {"", "/dev/x", "/a\u0000"}),
      java.util.Map.entry("Propagation", new String[] {"", "rprivate", "shared", "bogus"}),
      java.util.Map.entry("Env", new String[] {"A=1", "=x", "", "B"}),
      java.util.Map.entry("Annotations", new String[] {"io.x/a", ""}),
      java.util.Map.entry("Image", new String[] {"it/busybox:1", "Busybox", ""}));
  /** Booleans that stop a body early when true: true only now and then. */
  private static final java.util.Set<String> RARELY_TRUE = java.util.Set.of("NetworkDisabled", "Privileged");

  private final IntUnaryOperator choose;

  private CreateBodyGrammar(IntUnaryOperator choose) {
    this.choose = choose;
  }

  /** {@code choose.applyAsInt(n)} returns a number in [0, n). */
  static ObjectNode generate(IntUnaryOperator choose) {
    return (ObjectNode) new CreateBodyGrammar(choose).struct((ObjectNode) CreateBodyTypes.types(), 0);
  }

  private boolean chance(int percent) {
    return choose.applyAsInt(100) < percent;
  }

  private JsonNode struct(ObjectNode type, int depth) {
    ObjectNode o = F.objectNode();
    List<String> names = new ArrayList<>();
    type.fieldNames().forEachRemaining(names::add);
    // few fields at the top (their checks come first), many in HostConfig, where most rules are
    int most = depth == 0 ? 4 : type.has("Privileged") ? 16 : 5;
    int fields = names.isEmpty() ? 0 : choose.applyAsInt(Math.min(names.size(), most) + 1);
    if (depth == 0 && chance(80)) {
      o.set("HostConfig", value(type.get("HostConfig"), 1, "HostConfig"));
    }
    for (int i = 0; i < fields; i++) {
      String name = names.get(choose.applyAsInt(names.size()));
      JsonNode fieldType = type.get(name);
      o.set(chance(5) ? name.toLowerCase(Locale.ROOT) : name, value(fieldType, depth + 1, name));
    }
    if (chance(5)) {
      o.set("Unknown" + choose.applyAsInt(3), any(depth + 1));
    }
    return o;
  }

  private JsonNode value(JsonNode type, int depth, String field) {
    if (chance(3) || depth > 6) {
      return any(depth);
    }
    if (type.isTextual()) {
      return scalar(type.asText(), depth, field);
    }
    if (type.isArray()) {
      ArrayNode a = F.arrayNode();
      int n = choose.applyAsInt(4);
      for (int i = 0; i < n; i++) {
        a.add(value(type.get(0), depth + 1, field));
      }
      return a;
    }
    if (type.has("*")) {
      ObjectNode m = F.objectNode();
      int n = choose.applyAsInt(4);
      for (int i = 0; i < n; i++) {
        m.set(string(field), value(type.get("*"), depth + 1, null));
      }
      return m;
    }
    return struct((ObjectNode) type, depth);
  }

  private JsonNode scalar(String type, int depth, String field) {
    return switch (type) {
      case "string" -> F.textNode(string(field));
      case "bool" -> F.booleanNode(chance(RARELY_TRUE.contains(field) ? 5 : 50));
      case "struct {}" -> F.objectNode();
      case "strslice" -> chance(50) ? F.textNode(string(field)) : value(F.arrayNode().add("string"), depth, field);
      default -> chance(60) ? F.numberNode(0) : NUMBERS[choose.applyAsInt(NUMBERS.length)];
    };
  }

  private String string(String field) {
    String[] hints = field == null ? null : HINTS.get(field);
    return hints != null && chance(90) ? hints[choose.applyAsInt(hints.length)]
        : STRINGS[choose.applyAsInt(STRINGS.length)];
  }

  /** A value of any JSON type: what a careless or hostile client may send anywhere. */
  private JsonNode any(int depth) {
    return switch (choose.applyAsInt(depth > 6 ? 4 : 6)) {
      case 0 -> F.nullNode();
      case 1 -> F.textNode(string(null));
      case 2 -> NUMBERS[choose.applyAsInt(NUMBERS.length)];
      case 3 -> F.booleanNode(chance(50));
      case 4 -> F.arrayNode().add(any(depth + 1));
      default -> F.objectNode().set(string(null), any(depth + 1));
    };
  }
}
