package io.berth.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.errdefs.InvalidArgumentException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A custom seccomp profile in Docker's format ({@code --security-opt seccomp=profile.json}: the
 * docker CLI sends the file's content) turned into the OCI spec's {@code linux.seccomp}, as
 * dockerd does: {@code archMap} picks this machine's architecture and its sub-architectures, a
 * rule's {@code includes}/{@code excludes} keep or drop it by the container's capabilities, the
 * host architecture and kernel version, and {@code name} is the old spelling of {@code names}.
 * Everything runc would reject later (unknown actions, operators, architectures, flags, argument
 * indexes, wrong JSON types) is refused here with the field that is wrong, so a bad profile fails
 * {@code docker create}, not the start.
 */
public final class DockerSeccomp {
  private static final Set<String> ACTIONS = Set.of("SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
      "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG");
  private static final Set<String> OPERATORS = Set.of("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
      "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ");
  private static final Set<String> ARCHES = Set.of("SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",
      "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
      "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
      "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",
      "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64");
  private static final Set<String> FLAGS = Set.of("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
      "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
  /** Java's os.arch to the names Docker's profiles use in includes/excludes, and the seccomp arch. */
  private static final Map<String, String[]> NATIVE = Map.of(
      "amd64", new String[] {"amd64", "SCMP_ARCH_X86_64"}, "x86_64", new String[] {"amd64", "SCMP_ARCH_X86_64"},
      "aarch64", new String[] {"arm64", "SCMP_ARCH_AARCH64"}, "ppc64le", new String[] {"ppc64le", "SCMP_ARCH_PPC64LE"},
      "s390x", new String[] {"s390x", "SCMP_ARCH_S390X"}, "riscv64", new String[] {"riscv64", "SCMP_ARCH_RISCV64"});
  private static final Pattern KERNEL = Pattern.compile("(\\d+)\\.(\\d+).*");
  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private final ObjectMapper mapper;
  private final String arch;
  private final String seccompArch;
  private final int[] kernel;

  private DockerSeccomp(ObjectMapper mapper, String osArch, String kernelRelease) {
    this.mapper = mapper;
    String[] n = NATIVE.getOrDefault(osArch, new String[] {osArch, ""});
    this.arch = n[0];
    this.seccompArch = n[1];
    this.kernel = kernelVersion(kernelRelease);
  }

  /**
   * The OCI seccomp section for {@code profile} and a container with capability set {@code caps};
   * null when the profile has neither a default action nor rules (Docker then runs unconfined).
   */
  public static ObjectNode translate(ObjectMapper mapper, String profile, Set<String> caps) {
    return new DockerSeccomp(mapper, System.getProperty("os.arch"), System.getProperty("os.version"))
        .toOci(profile, caps);
  }

  /** Checks {@code profile} as {@link #translate} reads it, with Docker's default capabilities. */
  public static void validate(String profile) {
    translate(new ObjectMapper(), profile, Set.copyOf(Capabilities.DEFAULT));
  }

  static ObjectNode translate(ObjectMapper mapper, String profile, Set<String> caps, String osArch, String kernel) {
    return new DockerSeccomp(mapper, osArch, kernel).toOci(profile, caps);
  }

  private ObjectNode toOci(String profile, Set<String> caps) {
    JsonNode p;
    try {
      p = mapper.readTree(profile);
    } catch (JsonProcessingException e) {
      boolean path = !profile.stripLeading().startsWith("{");
      throw new InvalidArgumentException("Decoding seccomp profile failed: " + e.getOriginalMessage()
          + (path ? " (seccomp= takes the profile's JSON, not a file name: the docker CLI reads the file and sends"
              + " its content)" : ""));
    }
    if (p == null || !p.isObject()) {
      throw bad("the profile must be a JSON object");
    }
    String defaultAction = text(p, "defaultAction", "defaultAction");
    JsonNode syscalls = p.path("syscalls");
    if (!syscalls.isMissingNode() && !syscalls.isNull() && !syscalls.isArray()) {
      throw bad("syscalls must be a list");
    }
    if (defaultAction.isEmpty() && syscalls.isEmpty()) {
      return null;
    }
    ObjectNode out = mapper.createObjectNode();
    out.put("defaultAction", action(defaultAction, "defaultAction"));
    if (p.hasNonNull("defaultErrnoRet")) {
      out.put("defaultErrnoRet", errno(p.get("defaultErrnoRet"), "defaultErrnoRet"));
    }
    if (p.hasNonNull("listenerPath") || defaultAction.equals("SCMP_ACT_NOTIFY")) {
      throw bad("seccomp notify (SCMP_ACT_NOTIFY, listenerPath) is not supported");
    }
    ArrayNode arches = out.putArray("architectures");
    List<String> archList = strings(p, "architectures");
    JsonNode archMap = p.path("archMap");
    if (!archList.isEmpty() && !archMap.isMissingNode() && !archMap.isNull() && !archMap.isEmpty()) {
      throw new InvalidArgumentException("both 'architectures' and 'archMap' are specified in the seccomp profile, "
          + "use either 'architectures' or 'archMap'");
    }
    archList.forEach(a -> arches.add(arch(a, "architectures")));
    if (!archMap.isMissingNode() && !archMap.isNull()) {
      if (!archMap.isArray()) {
        throw bad("archMap must be a list");
      }
      for (JsonNode m : archMap) {
        if (!m.isObject()) {
          throw bad("archMap entries must be objects");
        }
        String a = arch(text(m, "architecture", "archMap.architecture"), "archMap.architecture");
        List<String> subs = strings(m, "subArchitectures");
        subs.forEach(s -> arch(s, "archMap.subArchitectures"));
        if (a.equals(seccompArch)) {
          arches.add(a);
          subs.forEach(arches::add);
        }
      }
    }
    List<String> flags = strings(p, "flags");
    if (!flags.isEmpty()) {
      ArrayNode f = out.putArray("flags");
      for (String flag : flags) {
        if (!FLAGS.contains(flag)) {
          throw bad("unknown flag \"" + flag + "\" (one of " + String.join(", ", FLAGS.stream().sorted().toList()) + ")");
        }
        f.add(flag);
      }
    }
    ArrayNode rules = out.putArray("syscalls");
    int i = 0;
    for (JsonNode s : syscalls) {
      ObjectNode rule = rule(s, "syscalls[" + i++ + "]", caps);
      if (rule != null) {
        rules.add(rule);
      }
    }
    return out;
  }

  private ObjectNode rule(JsonNode s, String where, Set<String> caps) {
    if (!s.isObject()) {
      throw bad(where + " must be an object");
    }
    List<String> names = new ArrayList<>(strings(s, "names"));
    String name = text(s, "name", where + ".name");
    if (!name.isEmpty()) {
      if (!names.isEmpty()) {
        throw new InvalidArgumentException("both 'name' and 'names' are specified in the seccomp profile, "
            + "use either 'name' or 'names'");
      }
      names.add(name);
    }
    if (names.isEmpty()) {
      throw bad(where + " names no syscall");
    }
    String action = action(text(s, "action", where + ".action"), where + ".action");
    ObjectNode rule = mapper.createObjectNode();
    ArrayNode n = rule.putArray("names");
    names.forEach(n::add);
    rule.put("action", action);
    if (s.hasNonNull("errnoRet")) {
      if (!action.equals("SCMP_ACT_ERRNO") && !action.equals("SCMP_ACT_TRACE")) {
        throw bad(where + ".errnoRet is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
      }
      rule.put("errnoRet", errno(s.get("errnoRet"), where + ".errnoRet"));
    }
    JsonNode args = s.path("args");
    if (!args.isMissingNode() && !args.isNull()) {
      if (!args.isArray()) {
        throw bad(where + ".args must be a list");
      }
      ArrayNode a = rule.putArray("args");
      int j = 0;
      for (JsonNode arg : args) {
        a.add(arg(arg, where + ".args[" + j++ + "]"));
      }
    }
    boolean keep = filter(s.path("includes"), where + ".includes", caps, true)
        && filter(s.path("excludes"), where + ".excludes", caps, false);
    return keep ? rule : null;
  }

  private ObjectNode arg(JsonNode arg, String where) {
    if (!arg.isObject()) {
      throw bad(where + " must be an object");
    }
    long index = uint(arg.path("index"), where + ".index").longValue();
    if (index > 5) {
      throw bad(where + ".index " + index + " is out of range (a syscall has arguments 0 to 5)");
    }
    String op = text(arg, "op", where + ".op");
    if (!OPERATORS.contains(op)) {
      throw bad(where + ".op \"" + op + "\" is not one of " + String.join(", ", OPERATORS.stream().sorted().toList()));
    }
    ObjectNode o = mapper.createObjectNode();
    o.put("index", index);
    o.put("value", uint(arg.path("value"), where + ".value"));
    o.put("valueTwo", uint(arg.path("valueTwo"), where + ".valueTwo"));
    o.put("op", op);
    return o;
  }

  /** Whether a rule stays: includes must all hold, any matching exclude drops it. */
  private boolean filter(JsonNode f, String where, Set<String> caps, boolean include) {
    if (f.isMissingNode() || f.isNull()) {
      return true;
    }
    if (!f.isObject()) {
      throw bad(where + " must be an object");
    }
    List<String> fcaps = strings(f, "caps");
    List<String> arches = strings(f, "arches");
    String minKernel = text(f, "minKernel", where + ".minKernel");
    boolean kernelAtLeast = minKernel.isEmpty() || atLeast(minKernel, where + ".minKernel");
    if (include) {
      return (arches.isEmpty() || arches.contains(arch)) && caps.containsAll(fcaps) && kernelAtLeast;
    }
    boolean excluded = arches.contains(arch) || fcaps.stream().anyMatch(caps::contains)
        || (!minKernel.isEmpty() && kernelAtLeast);
    return !excluded;
  }

  private boolean atLeast(String minKernel, String where) {
    String[] parts = minKernel.split("\\.", -1);
    int[] want = new int[2];
    try {
      if (parts.length != 2) {
        throw new NumberFormatException();
      }
      want[0] = Integer.parseInt(parts[0]);
      want[1] = Integer.parseInt(parts[1]);
      if (want[0] < 0 || want[1] < 0 || want[0] > 255 || want[1] > 255 || (want[0] == 0 && want[1] == 0)) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw bad(where + ": invalid kernel version \"" + minKernel + "\", expected \"<kernel>.<major>\"");
    }
    return kernel[0] > want[0] || (kernel[0] == want[0] && kernel[1] >= want[1]);
  }

  private static int[] kernelVersion(String release) {
    Matcher m = KERNEL.matcher(release == null ? "" : release);
    return m.matches() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : new int[] {0, 0};
  }

  private static String action(String a, String where) {
    if (a.equals("SCMP_ACT_NOTIFY")) {
      throw bad(where + ": seccomp notify (SCMP_ACT_NOTIFY) is not supported");
    }
    if (!ACTIONS.contains(a)) {
      throw bad(where + " \"" + a + "\" is not one of " + String.join(", ", ACTIONS.stream().sorted().toList()));
    }
    return a;
  }

  private static String arch(String a, String where) {
    if (!ARCHES.contains(a)) {
      throw bad(where + ": unknown architecture \"" + a + "\"");
    }
    return a;
  }

  private static long errno(JsonNode v, String where) {
    BigInteger n = uint(v, where);
    if (n.bitLength() > 31) {
      throw bad(where + " " + n + " is not an errno number");
    }
    return n.longValue();
  }

  private static BigInteger uint(JsonNode v, String where) {
    if (v.isMissingNode() || v.isNull()) {
      return BigInteger.ZERO;
    }
    if (!v.isIntegralNumber() || v.bigIntegerValue().signum() < 0 || v.bigIntegerValue().compareTo(UINT64_MAX) > 0) {
      throw bad(where + " must be an unsigned 64-bit integer, not " + v);
    }
    return v.bigIntegerValue();
  }

  private static String text(JsonNode o, String field, String where) {
    JsonNode v = o.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return "";
    }
    if (!v.isTextual()) {
      throw bad(where + " must be a string, not " + v.getNodeType().toString().toLowerCase(Locale.ROOT));
    }
    return v.asText();
  }

  private static List<String> strings(JsonNode o, String field) {
    JsonNode v = o.path(field);
    List<String> out = new ArrayList<>();
    if (v.isMissingNode() || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw bad(field + " must be a list of strings");
    }
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw bad(field + " must be a list of strings, not " + v);
      }
      out.add(e.asText());
    }
    return out;
  }

  private static InvalidArgumentException bad(String why) {
    return new InvalidArgumentException("invalid seccomp profile: " + why);
  }
}
