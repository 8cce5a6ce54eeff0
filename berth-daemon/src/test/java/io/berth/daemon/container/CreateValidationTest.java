package io.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.runtime.CgroupTuning;
import io.berth.runtime.HostFeatures;
import io.berth.runtime.SecurityProfile;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CreateValidationTest {
  private static final ObjectMapper M = new ObjectMapper();
  /** A cgroup v1 host like this one: no blkio weight, CPUs 0-3, one memory node, no AppArmor or SELinux. */
  static final HostFeatures HOST = new HostFeatures(true, true, true, true, true, true, true, true, true, "0-3", "0",
      false, false, true, true, true, true, false, false, true);
  private static final HostFeatures APPARMOR_HOST = new HostFeatures(true, true, true, true, true, true, true, true,
      true, "0-3", "0", true, true, true, true, true, true, true, false, true);

  private static ObjectNode body(String json) throws Exception {
    return (ObjectNode) M.readTree(json);
  }

  private static List<String> check(String json) throws Exception {
    return CreateValidation.check(body(json), HOST);
  }

  private static void refused(String json, String message) {
    assertThatThrownBy(() -> check(json)).isInstanceOf(InvalidArgumentException.class).hasMessage(message);
  }

  @Test
  void whatTheDockerCliSendsPassesUnchanged() throws Exception {
    ObjectNode sent;
    try (InputStream in = getClass().getResourceAsStream("docker-cli-28-create.json")) {
      sent = (ObjectNode) M.readTree(in);
    }
    ObjectNode checked = sent.deepCopy();
    List<String> warnings = CreateValidation.check(checked, HOST);
    assertThat(checked).isEqualTo(sent);
    assertThat(warnings).containsExactly(
        "Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.");
  }

  @Test
  void wrongJsonTypesAreRefusedAsDockerDecodesThem() {
    refused("{\"HostConfig\": {\"Memory\": \"abc\"}}", "invalid JSON: json: cannot unmarshal string into Go struct "
        + "field CreateRequest.HostConfig.Memory of type int64");
    refused("{\"HostConfig\": {\"Memory\": 99999999999999999999}}", "invalid JSON: json: cannot unmarshal number "
        + "99999999999999999999 into Go struct field CreateRequest.HostConfig.Memory of type int64");
    refused("{\"HostConfig\": {\"Memory\": 1.5}}", "invalid JSON: json: cannot unmarshal number 1.5 into Go struct "
        + "field CreateRequest.HostConfig.Memory of type int64");
    refused("{\"HostConfig\": {\"BlkioWeight\": 70000}}", "invalid JSON: json: cannot unmarshal number 70000 into Go "
        + "struct field CreateRequest.HostConfig.BlkioWeight of type uint16");
    refused("{\"HostConfig\": {\"IOMaximumIOps\": -1}}", "invalid JSON: json: cannot unmarshal number -1 into Go "
        + "struct field CreateRequest.HostConfig.IOMaximumIOps of type uint64");
    refused("{\"Env\": \"A=1\"}", "invalid JSON: json: cannot unmarshal string into Go struct field CreateRequest.Env "
        + "of type []string");
    refused("{\"Labels\": {\"a\": 1}}", "invalid JSON: json: cannot unmarshal number 1 into Go struct field "
        + "CreateRequest.Labels of type string");
    refused("{\"Tty\": \"yes\"}", "invalid JSON: json: cannot unmarshal string into Go struct field CreateRequest.Tty "
        + "of type bool");
    refused("{\"HostConfig\": []}", "invalid JSON: json: cannot unmarshal array into Go struct field "
        + "CreateRequest.HostConfig of type struct");
    refused("{\"ExposedPorts\": {\"80/tcp\": 1}}", "invalid JSON: json: cannot unmarshal number 1 into Go struct field "
        + "CreateRequest.ExposedPorts of type struct {}");
    refused("{\"NetworkingConfig\": {\"EndpointsConfig\": {\"n\": {\"Aliases\": [7]}}}}", "invalid JSON: json: "
        + "cannot unmarshal number 7 into Go struct field CreateRequest.NetworkingConfig.EndpointsConfig.Aliases of "
        + "type string");
    refused("{\"HostConfig\": {\"Mounts\": [{\"TmpfsOptions\": {\"Mode\": 4294967296}}]}}", "invalid JSON: json: "
        + "cannot unmarshal number 4294967296 into Go struct field CreateRequest.HostConfig.Mounts.TmpfsOptions.Mode "
        + "of type uint32");
  }

  @Test
  void fieldNamesMatchCaseInsensitivelyAndUnknownOnesStay() throws Exception {
    ObjectNode b = body("{\"image\": \"x\", \"hostconfig\": {\"memory\": 6291456, \"MEMORY\": 7340032},"
        + " \"Cmd\": \"sh\", \"Entrypoint\": null, \"Env\": [null, \"A=1\"], \"Labels\": {\"k\": null},"
        + " \"Future\": {\"Anything\": [1, \"x\"]}}");
    CreateValidation.check(b, HOST);
    assertThat(b.toString()).isEqualTo("{\"Image\":\"x\",\"HostConfig\":{\"Memory\":7340032},\"Cmd\":\"sh\","
        + "\"Entrypoint\":null,\"Env\":[\"\",\"A=1\"],\"Labels\":{\"k\":\"\"},\"Future\":{\"Anything\":[1,\"x\"]}}");
    refused("{\"hostconfig\": {\"memory\": \"1g\"}}", "invalid JSON: json: cannot unmarshal string into Go struct "
        + "field CreateRequest.HostConfig.Memory of type int64");
  }

  @Test
  void securityOptionsWithDockersRules() throws Exception {
    refused("{\"HostConfig\": {\"SecurityOpt\": [\"bogus=1\"]}}", "invalid --security-opt 2: \"bogus=1\"");
    refused("{\"HostConfig\": {\"SecurityOpt\": [\"bogus\"]}}", "invalid --security-opt 1: \"bogus\"");
    refused("{\"HostConfig\": {\"SecurityOpt\": [\"no-new-privileges=maybe\"]}}",
        "invalid --security-opt 2: \"no-new-privileges=maybe\"");
    refused("{\"HostConfig\": {\"SecurityOpt\": [\"writable-cgroups=true\"]}}",
        "invalid --security-opt 2: \"writable-cgroups=true\"");
    refused("{\"HostConfig\": {\"SecurityOpt\": [\"seccomp={\\\"defaultAction\\\": 1}\"]}}",
        "invalid seccomp profile: defaultAction must be a string, not number");
    refused("{\"HostConfig\": {\"SecurityOpt\": [\"seccomp=profile.json\"]}}",
        "Decoding seccomp profile failed: Unrecognized token 'profile': was expecting (JSON String, Number, Array, "
            + "Object or token 'null', 'true' or 'false') (seccomp= takes the profile's JSON, not a file name: the "
            + "docker CLI reads the file and sends its content)");
    refused("{\"HostConfig\": {\"SecurityOpt\": [\"apparmor=docker-default\"]}}", "AppArmor is not enabled on this "
        + "host: --security-opt apparmor=docker-default cannot be applied (only apparmor=unconfined is accepted here)");
    refused("{\"HostConfig\": {\"SecurityOpt\": [\"label=type:container_t\"]}}",
        "SELinux is not enabled on this host: --security-opt label=type:container_t cannot be applied");
    refused("{\"HostConfig\": {\"SecurityOpt\": [\"systempaths=confined\"]}}",
        "invalid --security-opt 2: \"systempaths=confined\"");
    assertThat(check("{\"HostConfig\": {\"SecurityOpt\": [\"no-new-privileges\", \"seccomp:unconfined\","
        + " \"apparmor=unconfined\", \"label=disable\", \"seccomp=builtin\"]}}")).isEmpty();

    SecurityProfile p = SecurityOptions.parse(body("{\"SecurityOpt\": [\"no-new-privileges=true\", \"seccomp=unconfined\","
        + " \"no-new-privileges=F\"], \"MaskedPaths\": [], \"ReadonlyPaths\": [\"/proc/sys\"]}"), HOST);
    assertThat(p).isEqualTo(new SecurityProfile(SecurityProfile.UNCONFINED, false, null, List.of(), List.of("/proc/sys")));
    assertThat(SecurityOptions.parse(body("{\"SecurityOpt\": [\"systempaths=unconfined\", \"apparmor=unconfined\"]}"),
        APPARMOR_HOST)).isEqualTo(new SecurityProfile(null, false, "unconfined", List.of(), List.of()));
    assertThat(SecurityOptions.parse(body("{}"), HOST)).isEqualTo(SecurityProfile.DEFAULT);
    String profile = "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}";
    assertThat(SecurityOptions.parse(body("{\"SecurityOpt\": [\"seccomp=" + profile.replace("\"", "\\\"") + "\"]}"),
        HOST).seccomp()).isEqualTo(profile);
  }

  @Test
  void dockersCreateChecks() throws Exception {
    refused("{\"WorkingDir\": \"rel/dir\"}", "the working directory 'rel/dir' is invalid, it needs to be an absolute path");
    ObjectNode b = body("{\"WorkingDir\": \"/srv//app/../www/\"}");
    CreateValidation.check(b, HOST);
    assertThat(b.path("WorkingDir").asText()).isEqualTo("/srv/www");
    refused("{\"User\": \"99999999999\"}", "uids and gids must be in range 0-2147483647");
    refused("{\"User\": \"app:4294967296\"}", "uids and gids must be in range 0-2147483647");
    assertThat(check("{\"User\": \"2147483647:app\"}")).isEmpty();
    refused("{\"HostConfig\": {\"CapAdd\": [\"BOGUS\"]}}", "invalid CapAdd: unknown capability: \"CAP_BOGUS\"");
    refused("{\"HostConfig\": {\"CapDrop\": [\"cap_nope\"]}}", "invalid CapDrop: unknown capability: \"CAP_NOPE\"");
    refused("{\"HostConfig\": {\"PortBindings\": {\"80/tcp\": [{\"HostIp\": \"localhost\", \"HostPort\": \"80\"}]}}}",
        "invalid HostIp \"localhost\" for port 80/tcp: not an IP address");
    refused("{\"HostConfig\": {\"PortBindings\": {\"80/tcp\": [{\"HostIp\": \"1.2.3.256\"}]}}}",
        "invalid HostIp \"1.2.3.256\" for port 80/tcp: not an IP address");
    assertThat(check("{\"HostConfig\": {\"PortBindings\": {\"80/tcp\": [{\"HostIp\": \"::1\"}, {\"HostIp\": "
        + "\"0.0.0.0\"}, {\"HostIp\": \"\"}]}}}")).isEmpty();
    refused("{\"StopSignal\": \"SIGBOGUS\"}", "Invalid signal: SIGBOGUS");
    assertThat(check("{\"StopSignal\": \"SIGRTMIN+3\"}")).isEmpty();
    refused("{\"Healthcheck\": {\"Interval\": 1000}}", "Interval in Healthcheck cannot be less than 1ms");
    refused("{\"Healthcheck\": {\"Retries\": -1}}", "Retries in Healthcheck cannot be negative");
    refused("{\"Hostname\": \"box\", \"HostConfig\": {\"UTSMode\": \"host\"}}",
        "conflicting options: hostname and the UTS mode");
    refused("{\"HostConfig\": {\"UTSMode\": \"private\"}}", "invalid UTS mode: private");
    refused("{\"HostConfig\": {\"CgroupnsMode\": \"shared\"}}", "invalid cgroup namespace mode: shared");
    refused("{\"HostConfig\": {\"Runtime\": \"crun\"}}", "unknown or invalid runtime name: crun");
    refused("{\"HostConfig\": {\"Isolation\": \"hyperv\"}}", "invalid isolation (hyperv): linux only supports 'default'");
    refused("{\"HostConfig\": {\"Memory\": 104857600, \"MemorySwap\": 52428800}}",
        "Minimum memoryswap limit should be larger than memory limit, see usage");
    refused("{\"HostConfig\": {\"Annotations\": {\"\": \"x\"}}}",
        "invalid Annotations: the empty string is not permitted as an annotation key");
  }

  @Test
  void fieldsBerthCannotApplyAreRefusedByName() {
    refused("{\"HostConfig\": {\"CgroupParent\": \"mine\"}}", "CgroupParent (--cgroup-parent) is not supported by "
        + "Berth: berthd places every container under its own --cgroup-parent, where it reads their stats and OOM kills");
    refused("{\"HostConfig\": {\"KernelMemory\": 10485760}}", "KernelMemory/KernelMemoryTCP (--kernel-memory) is not "
        + "supported by Berth: kernel memory limits are deprecated in Linux and no longer applied by runc");
    refused("{\"HostConfig\": {\"CpuRealtimeRuntime\": 1000}}", "CpuRealtimePeriod/CpuRealtimeRuntime (--cpu-rt-period,"
        + " --cpu-rt-runtime) is not supported by Berth: berthd delegates no real-time CPU budget to its containers' cgroups");
    refused("{\"HostConfig\": {\"CpuRealtimeRuntime\": 2000, \"CpuRealtimePeriod\": 1000}}",
        "cpu real-time runtime cannot be higher than cpu real-time period");
    refused("{\"HostConfig\": {\"CpuCount\": 2}}",
        "CpuCount (--cpu-count) is not supported by Berth: it is a Windows option; use --cpus or --cpuset-cpus");
    refused("{\"HostConfig\": {\"IOMaximumIOps\": 5}}",
        "invalid option: QoS maximum IOPs configuration is not supported on linux");
    refused("{\"HostConfig\": {\"StorageOpt\": {\"size\": \"1G\"}}}",
        "--storage-opt is supported only for overlay over xfs with 'pquota' mount option");
    refused("{\"HostConfig\": {\"VolumeDriver\": \"flocker\"}}",
        "error looking up volume plugin flocker: plugin \"flocker\" not found");
    refused("{\"HostConfig\": {\"UsernsMode\": \"private\"}}", "UsernsMode \"private\" is not supported: berthd runs "
        + "containers without user namespace remapping (only \"host\" is accepted)");
    refused("{\"HostConfig\": {\"DeviceRequests\": [{\"Driver\": \"nvidia\", \"Count\": -1, \"Capabilities\": "
        + "[[\"gpu\", \"compute\"]]}]}}", "could not select device driver \"nvidia\" with capabilities: [[gpu compute]] (Berth has no "
        + "device drivers such as nvidia)");
    refused("{\"NetworkDisabled\": true}", "NetworkDisabled is not supported by Berth: use NetworkMode \"none\" "
        + "(docker run --network none) for a container without network");
    refused("{\"NetworkingConfig\": {\"EndpointsConfig\": {\"bridge\": {\"MacAddress\": \"02:42:ac:11:00:02\"}}}}",
        "MacAddress (--mac-address) is not supported by Berth yet: containers get a MAC address derived from their IP "
            + "address");
    refused("{\"HostConfig\": {\"VolumesFrom\": [\"other\"]}}",
        "VolumesFrom (--volumes-from) is not supported by Berth: name the volumes with -v or --mount instead");
  }

  @Test
  void cgroupSettingsAndTheWarningsOfWhatThisHostDiscards() throws Exception {
    refused("{\"HostConfig\": {\"CpusetCpus\": \"4\"}}", "Requested CPUs are not available - requested 4, available: 0-3");
    refused("{\"HostConfig\": {\"CpusetCpus\": \"0-1,x\"}}", "Invalid value 0-1,x for cpuset cpus: invalid format: 0-1,x");
    refused("{\"HostConfig\": {\"CpusetCpus\": \"3-1\"}}", "Invalid value 3-1 for cpuset cpus: invalid format: 3-1");
    refused("{\"HostConfig\": {\"CpusetMems\": \"0-9999\"}}",
        "Invalid value 0-9999 for cpuset mems: value of out range, maximum is 8192");
    refused("{\"HostConfig\": {\"CpusetMems\": \"1\"}}", "Requested memory nodes are not available - requested 1, available: 0");
    refused("{\"HostConfig\": {\"MemorySwappiness\": 101}}", "Invalid value: 101, valid memory swappiness range is 0-100");
    refused("{\"HostConfig\": {\"DeviceCgroupRules\": [\"c 1:3\"]}}", "invalid device cgroup rule format: 'c 1:3'");
    refused("{\"HostConfig\": {\"BlkioDeviceReadBps\": [{\"Path\": \"/dev/null\", \"Rate\": 1}]}}",
        "BlkioDeviceReadBps: /dev/null is not a block device");
    refused("{\"HostConfig\": {\"BlkioDeviceWriteIOps\": [{\"Path\": \"/nonexistent\", \"Rate\": 1}]}}",
        "BlkioDeviceWriteIOps: /nonexistent: no such file or directory");

    List<String> warnings = new ArrayList<>();
    CgroupTuning t = ContainerCgroups.of(body("{\"CpusetCpus\": \"1-2,0\", \"CpusetMems\": \"0\", \"MemorySwappiness\": 0,"
        + " \"OomKillDisable\": true, \"BlkioWeight\": 500, \"BlkioWeightDevice\": [{\"Path\": \"/dev/sda\", \"Weight\": 5}],"
        + " \"DeviceCgroupRules\": [\"c 42:* rmw\", \"a *:* m\"]}"), HOST, warnings);
    assertThat(t).isEqualTo(new CgroupTuning("1-2,0", "0", 0L, true, null, List.of(), List.of(), List.of(), List.of(),
        List.of(), List.of(new CgroupTuning.DeviceRule("c", 42L, null, "rmw"),
            new CgroupTuning.DeviceRule("a", null, null, "m"))));
    assertThat(warnings).containsExactly(
        "OOM killer is disabled for the container, but no memory limit is set, this can result in the system running "
            + "out of resources.",
        "Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.",
        "Your kernel does not support Block I/O weight_device or the cgroup is not mounted. Weight-device discarded.");
    assertThat(ContainerCgroups.of(body("{\"MemorySwappiness\": -1}"), HOST, new ArrayList<>()))
        .isEqualTo(CgroupTuning.NONE);
    assertThatThrownBy(() -> ContainerCgroups.of(body("{\"BlkioWeight\": 5}"), APPARMOR_HOST, new ArrayList<>()))
        .hasMessage("Range of blkio weight is from 10 to 1000");
    assertThat(check("{\"HostConfig\": {\"CpuPercent\": 50, \"NetworkMode\": \"host\", \"PortBindings\": "
        + "{\"80/tcp\": [{\"HostPort\": \"8080\"}]}}}")).containsExactly(
        "linux does not support CPU percent. Percent discarded.",
        "Published ports are discarded when using host network mode");
  }

  @Test
  void seccompProfileAndAppArmorReachTheRuntime() throws Exception {
    JsonNode hc = body("{\"SecurityOpt\": [\"apparmor=unconfined\"]}");
    assertThat(SecurityOptions.appArmorProfile(hc)).isEqualTo("unconfined");
    assertThat(SecurityOptions.parse(hc, HOST).apparmorProfile()).isNull();
    assertThat(SecurityOptions.appArmorProfile(body("{}"))).isEmpty();
  }
}
