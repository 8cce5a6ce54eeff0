package io.berth.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Berth's default seccomp profile, modelled on Docker's: deny by default with EPERM, allow the
 * list in {@code seccomp-allow.txt}, answer {@code clone3} with ENOSYS so libcs fall back to
 * {@code clone}, forbid namespace-creating {@code clone} flags, and unlock the syscalls that
 * need a capability (mount, unshare, setns, sethostname...) only when it was granted.
 */
final class SeccompProfile {
  private static final List<String> ALLOW = load();
  /** CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET (as in Docker's profile). */
  private static final long NS_FLAGS = 2114060288L;

  private SeccompProfile() {}

  private static List<String> load() {
    try (InputStream in = SeccompProfile.class.getResourceAsStream("seccomp-allow.txt")) {
      List<String> out = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String t = line.trim();
        if (!t.isEmpty() && !t.startsWith("#")) {
          out.add(t);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("loading seccomp allowlist", e);
    }
  }

  static ObjectNode build(ObjectMapper m, Set<String> caps) {
    ObjectNode s = m.createObjectNode();
    s.put("defaultAction", "SCMP_ACT_ERRNO");
    s.put("defaultErrnoRet", 1);
    s.putArray("architectures").add("SCMP_ARCH_X86_64").add("SCMP_ARCH_X86").add("SCMP_ARCH_X32");
    ArrayNode rules = s.putArray("syscalls");
    List<String> allow = new ArrayList<>(ALLOW);
    boolean sysAdmin = caps.contains("CAP_SYS_ADMIN");
    if (sysAdmin) {
      allow.addAll(List.of("mount", "umount", "umount2", "unshare", "setns", "sethostname",
          "setdomainname", "pivot_root", "bpf", "fanotify_init", "lookup_dcookie", "perf_event_open",
          "quotactl", "fsconfig", "fsmount", "fsopen", "fspick", "move_mount", "open_tree", "syslog"));
    }
    if (caps.contains("CAP_SYS_PTRACE")) {
      allow.addAll(List.of("kcmp", "process_madvise", "process_vm_readv", "process_vm_writev"));
    }
    if (caps.contains("CAP_SYS_MODULE")) {
      allow.addAll(List.of("delete_module", "init_module", "finit_module"));
    }
    if (caps.contains("CAP_SYS_TIME")) {
      allow.addAll(List.of("settimeofday", "stime", "clock_settime", "clock_settime64"));
    }
    if (caps.contains("CAP_SYS_NICE")) {
      allow.add("get_mempolicy");
      allow.add("mbind");
      allow.add("set_mempolicy");
    }
    if (caps.contains("CAP_SYS_BOOT")) {
      allow.add("reboot");
    }
    ObjectNode r = rules.addObject();
    ArrayNode names = r.putArray("names");
    allow.forEach(names::add);
    r.put("action", "SCMP_ACT_ALLOW");
    if (sysAdmin) {
      rules.addObject().put("action", "SCMP_ACT_ALLOW").putArray("names").add("clone").add("clone3");
    } else {
      ObjectNode clone = rules.addObject();
      clone.putArray("names").add("clone");
      clone.put("action", "SCMP_ACT_ALLOW");
      clone.putArray("args").addObject().put("index", 0).put("value", NS_FLAGS).put("valueTwo", 0)
          .put("op", "SCMP_CMP_MASKED_EQ");
      ObjectNode clone3 = rules.addObject();
      clone3.putArray("names").add("clone3");
      clone3.put("action", "SCMP_ACT_ERRNO");
      clone3.put("errnoRet", 38);
    }
    return s;
  }
}
