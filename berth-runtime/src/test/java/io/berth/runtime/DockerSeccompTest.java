package io.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.errdefs.InvalidArgumentException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DockerSeccompTest {
  private static final ObjectMapper M = new ObjectMapper();

  private static ObjectNode translate(String profile, Set<String> caps) {
    return DockerSeccomp.translate(M, profile, caps, "amd64", "6.1.0-18-amd64");
  }

  @Test
  void dockersConditionsPickTheRulesForThisContainerAndHost() {
    String profile = """
        {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
         "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
                     {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
         "syscalls": [
           {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW", "comment": "always"},
           {"name": "mount", "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
           {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32"]}},
           {"names": ["s390_pci_mmio_read"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["s390x"]}},
           {"names": ["clone"], "action": "SCMP_ACT_ALLOW", "excludes": {"caps": ["CAP_SYS_ADMIN"]},
            "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]},
           {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38, "excludes": {"minKernel": "5.3"}},
           {"names": ["landlock_create_ruleset"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "5.13"}},
           {"names": ["futuristic"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "7.0"}}
         ]}""";
    ObjectNode s = translate(profile, Set.of("CAP_CHOWN"));
    assertThat(s.toString()).isEqualTo("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
        + "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],\"syscalls\":["
        + "{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
        + "{\"names\":[\"arch_prctl\"],\"action\":\"SCMP_ACT_ALLOW\"},"
        + "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\","
        + "\"args\":[{\"index\":0,\"value\":2114060288,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
        + "{\"names\":[\"landlock_create_ruleset\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
    ObjectNode admin = translate(profile, Set.of("CAP_SYS_ADMIN"));
    assertThat(admin.at("/syscalls").toString()).contains("\"mount\"").doesNotContain("\"clone\"");
    // on an older kernel clone3 is answered with ENOSYS and the newer rule is left out
    ObjectNode old = DockerSeccomp.translate(M, profile, Set.of(), "amd64", "5.2.0");
    assertThat(old.at("/syscalls").toString()).contains("{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}")
        .doesNotContain("landlock");
  }

  @Test
  void aProfileWithNothingInItMeansUnconfinedAsInDocker() {
    assertThat(translate("{}", Set.of())).isNull();
    assertThat(translate("{\"defaultAction\": \"\", \"syscalls\": []}", Set.of())).isNull();
  }

  @Test
  void malformedProfilesAreRefusedNamingWhatIsWrong() {
    assertBad("{not json", "Decoding seccomp profile failed");
    assertBad("[1]", "invalid seccomp profile: the profile must be a JSON object");
    assertBad("{\"defaultAction\": \"SCMP_ACT_NOPE\"}", "defaultAction \"SCMP_ACT_NOPE\" is not one of");
    assertBad("{\"defaultAction\": 7}", "defaultAction must be a string");
    assertBad("{\"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}", "defaultAction \"\"");
    assertBad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_64\"],"
        + " \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\"}]}", "both 'architectures' and 'archMap'");
    assertBad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"amd64\"]}", "unknown architecture \"amd64\"");
    assertBad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"name\": \"a\", \"names\": [\"b\"],"
        + " \"action\": \"SCMP_ACT_ERRNO\"}]}", "both 'name' and 'names'");
    assertBad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"action\": \"SCMP_ACT_ERRNO\"}]}",
        "syscalls[0] names no syscall");
    assertBad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\","
        + " \"args\": [{\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}", "syscalls[0].args[0].index 6 is out of range");
    assertBad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\","
        + " \"args\": [{\"index\": 0, \"value\": -1, \"op\": \"SCMP_CMP_EQ\"}]}]}", "value must be an unsigned 64-bit integer");
    assertBad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\","
        + " \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"EQ\"}]}]}", "op \"EQ\" is not one of");
    assertBad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ALLOW\","
        + " \"errnoRet\": 1}]}", "errnoRet is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
    assertBad("{\"defaultAction\": \"SCMP_ACT_NOTIFY\", \"listenerPath\": \"/run/agent.sock\"}", "notify");
    assertBad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ALLOW\","
        + " \"includes\": {\"minKernel\": \"5\"}}]}", "invalid kernel version \"5\"");
    assertBad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_BOGUS\"]}", "unknown flag");
    assertBad("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": {}}", "syscalls must be a list");
  }

  private static void assertBad(String profile, String message) {
    assertThatThrownBy(() -> translate(profile, Set.of())).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining(message);
  }
}
