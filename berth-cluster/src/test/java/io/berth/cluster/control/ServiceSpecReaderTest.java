package io.berth.cluster.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cluster.model.NetworkAttachmentConfig;
import io.berth.cluster.model.PublishMode;
import io.berth.cluster.model.RestartCondition;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.ServiceSpec;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bodies here are what the docker CLI v28.2 sends for {@code docker service create}, recorded
 * byte for byte: the defaults it always sends are accepted, what Berth does not honour is refused
 * by name, unknown fields are refused.
 */
class ServiceSpecReaderTest {
  /** {@code docker service create --name web --replicas 2 busybox:1 sleep 1d} */
  static final String PLAIN = """
      {"Name":"web","Labels":{},"TaskTemplate":{"ContainerSpec":{"Image":"busybox:1","Args":["sleep","1d"],\
      "Init":false,"DNSConfig":{}},"Resources":{"Limits":{},"Reservations":{}},"Placement":{},"ForceUpdate":0},\
      "Mode":{"Replicated":{"Replicas":2}},"EndpointSpec":{"Mode":"vip"}}""";

  /**
   * {@code docker service create --name h --limit-memory 64m --reserve-cpu 0.5 --constraint node.role==manager
   * --placement-pref spread=node.labels.zone -e A=1 -l x=y --restart-condition on-failure
   * --mount type=volume,source=v,target=/data --mode global busybox:1 top}
   */
  static final String FLAGS = """
      {"Name":"h","Labels":{"x":"y"},"TaskTemplate":{"ContainerSpec":{"Image":"busybox:1","Args":["top"],\
      "Env":["A=1"],"Init":false,"Mounts":[{"Type":"volume","Source":"v","Target":"/data"}],"DNSConfig":{}},\
      "Resources":{"Limits":{"MemoryBytes":67108864},"Reservations":{"NanoCPUs":500000000}},\
      "RestartPolicy":{"Condition":"on-failure","Delay":5000000000,"MaxAttempts":0},\
      "Placement":{"Constraints":["node.role==manager"],"Preferences":[{"Spread":{"SpreadDescriptor":"node.labels.zone"}}]},\
      "ForceUpdate":0},"Mode":{"Global":{}},"EndpointSpec":{"Mode":"vip"}}""";

  @Test
  void readsThePlainCreateOfTheCli() {
    ServiceSpec spec = ServiceSpecReader.read(json(PLAIN), () -> "unused");
    assertThat(spec.name()).isEqualTo("web");
    assertThat(spec.mode().replicated().replicas()).isEqualTo(2);
    assertThat(spec.taskTemplate().containerSpec().image()).isEqualTo("busybox:1");
    assertThat(spec.taskTemplate().containerSpec().args()).containsExactly("sleep", "1d");
  }

  @Test
  void readsTheFlagsBerthHonours() {
    ServiceSpec spec = ServiceSpecReader.read(json(FLAGS), () -> "unused");
    assertThat(spec.mode().kind()).isEqualTo(ServiceMode.Kind.GLOBAL);
    assertThat(spec.labels()).containsEntry("x", "y");
    assertThat(spec.taskTemplate().resources().limits().memoryBytes()).isEqualTo(64L << 20);
    assertThat(spec.taskTemplate().resources().reservations().nanoCpus()).isEqualTo(500_000_000L);
    assertThat(spec.taskTemplate().restartPolicy().condition()).isEqualTo(RestartCondition.ON_FAILURE);
    assertThat(spec.taskTemplate().placement().constraints()).containsExactly("node.role==manager");
    assertThat(spec.taskTemplate().placement().preferences().getFirst().descriptor()).isEqualTo("node.labels.zone");
    assertThat(spec.taskTemplate().containerSpec().mounts().getFirst().target()).isEqualTo("/data");
    assertThat(spec.taskTemplate().containerSpec().env()).containsExactly("A=1");
  }

  /** {@code --health-cmd 'test -f /ok' --health-interval 1s --health-retries 2}: the agent runs it. */
  @Test
  void readsTheHealthCheck() {
    ServiceSpec spec = ServiceSpecReader.read(json(PLAIN.replace("\"Init\":false", "\"Init\":false,\"Healthcheck\":"
        + "{\"Test\":[\"CMD-SHELL\",\"test -f /ok\"],\"Interval\":1000000000,\"Retries\":2}")), () -> "x");
    assertThat(spec.taskTemplate().containerSpec().healthcheck().test()).containsExactly("CMD-SHELL", "test -f /ok");
    assertThat(spec.taskTemplate().containerSpec().healthcheck().interval()).isEqualTo(1_000_000_000L);
    assertThat(spec.taskTemplate().containerSpec().healthcheck().retries()).isEqualTo(2);
  }

  @Test
  void anUnnamedServiceGetsAMadeUpNameAndReplicatedWithoutCountIsOne() {
    String body = PLAIN.replace("\"Name\":\"web\",", "").replace("{\"Replicas\":2}", "{}");
    ServiceSpec spec = ServiceSpecReader.read(json(body), () -> "brave_curie");
    assertThat(spec.name()).isEqualTo("brave_curie");
    assertThat(spec.mode().replicated().replicas()).isEqualTo(1);
  }

  @Test
  void aReplicatedJobDefaultsAsDocker() {
    String body = PLAIN.replace("{\"Replicated\":{\"Replicas\":2}}", "{\"ReplicatedJob\":{\"TotalCompletions\":4}}");
    ServiceSpec spec = ServiceSpecReader.read(json(body), () -> "x");
    assertThat(spec.mode().replicatedJob().maxConcurrent()).isEqualTo(1);
    assertThat(spec.mode().replicatedJob().totalCompletions()).isEqualTo(4);
  }

  @Test
  void refusesByNameWhatBerthDoesNotHonour() {
    refused(PLAIN.replace("\"Init\":false", "\"Init\":false,\"Privileges\":{\"CredentialSpec\":{\"File\":\"x\"}}"),
        "TaskTemplate.ContainerSpec.Privileges", "credential_spec");
    refused(PLAIN.replace("\"ForceUpdate\":0", "\"ForceUpdate\":0,\"Networks\":[{\"Target\":\"n1\","
        + "\"DriverOpts\":{\"a\":\"b\"}}]"), "TaskTemplate.Networks[].DriverOpts", "driver-opt");
    refused(PLAIN.replace("\"ForceUpdate\":0", "\"ForceUpdate\":0,\"LogDriver\":{\"Name\":\"syslog\"}"),
        "TaskTemplate.LogDriver", "compose logging");
    refused(PLAIN.replace("\"EndpointSpec\"", "\"UpdateConfig\":{\"Parallelism\":2,\"Order\":\"sideways\"},"
        + "\"EndpointSpec\""), "invalid order 'sideways'");
    refused(PLAIN.replace("\"EndpointSpec\"", "\"UpdateConfig\":{\"Colour\":1},\"EndpointSpec\""), "UpdateConfig.Colour");
    refused(PLAIN.replace("\"Init\":false", "\"Init\":false,\"Mounts\":[{\"Type\":\"tmpfs\",\"Target\":\"/t\","
        + "\"TmpfsOptions\":{\"Options\":[[\"noexec\"]]}}]"), "Mounts[].TmpfsOptions.Options");
    refused(PLAIN.replace("\"Init\":false", "\"Init\":false,\"Mounts\":[{\"Type\":\"volume\",\"Source\":\"v\","
        + "\"Target\":\"/t\",\"VolumeOptions\":{\"DriverConfig\":{\"Name\":\"nfs\"}}}]"), "volume driver \"nfs\"");
    refused(PLAIN.replace("\"Init\":false", "\"Init\":false,\"Hosts\":[\"db.example\"]"), "ContainerSpec.Hosts");
  }

  /** What {@code docker stack deploy} (CLI v28) sends for a service using most of a compose file's keys. */
  static final String STACK = """
      {"Name":"stk_web","Labels":{"com.docker.stack.image":"it/web:1","com.docker.stack.namespace":"stk"},      "TaskTemplate":{"ContainerSpec":{"Image":"it/web:1","Labels":{"com.docker.stack.namespace":"stk"},      "Command":["sh","-c"],"Args":["httpd -f"],"Hostname":"web1","Env":["A=1"],"Dir":"/srv","User":"nobody",      "Mounts":[{"Type":"volume","Source":"stk_data","Target":"/data","VolumeOptions":{"NoCopy":true,      "Labels":{"com.docker.stack.namespace":"stk"}}},{"Type":"bind","Source":"/srv","Target":"/srv",      "BindOptions":{"Propagation":"rslave"}},{"Type":"tmpfs","Target":"/tmp","TmpfsOptions":{"SizeBytes":1048576}}],      "StopGracePeriod":3000000000,"StopSignal":"SIGINT","TTY":true,"OpenStdin":true,"ReadOnly":true,      "Privileges":{"CredentialSpec":null,"SELinuxContext":null,"NoNewPrivileges":false},"Init":true,      "Hosts":["10.0.0.9 db.example"],"DNSConfig":{"Nameservers":["10.0.0.2"],"Search":["example"]},      "Healthcheck":{"Test":["CMD-SHELL","true"],"Interval":1000000000,"Retries":3},      "Sysctls":{"net.core.somaxconn":"1024"},"CapabilityAdd":["CAP_NET_ADMIN"],"CapabilityDrop":["CAP_MKNOD"],      "Ulimits":[{"Name":"nofile","Hard":2048,"Soft":1024}],"OomScoreAdj":100,"Isolation":""},      "Resources":{"Limits":{"NanoCPUs":500000000,"MemoryBytes":67108864,"Pids":0},      "Reservations":{"NanoCPUs":0,"MemoryBytes":33554432}},"RestartPolicy":{"Condition":"on-failure","MaxAttempts":3},      "Placement":{"Constraints":["node.role==manager"],"Preferences":[{"Spread":{"SpreadDescriptor":"node.labels.az"}}],      "MaxReplicas":2},"Networks":[{"Target":"stk_front","Aliases":["www","web"]}],"ForceUpdate":0},      "Mode":{"Replicated":{"Replicas":2}},      "UpdateConfig":{"Parallelism":1,"Delay":1000000000,"FailureAction":"rollback","Monitor":0,"MaxFailureRatio":0,"Order":"start-first"},      "EndpointSpec":{"Mode":"vip","Ports":[{"Protocol":"tcp","TargetPort":80,"PublishedPort":18080,"PublishMode":"ingress"}]}}""";

  @Test
  void readsWhatStackDeploySendsAndKeepsEveryField() {
    ServiceSpec spec = ServiceSpecReader.read(json(STACK), () -> "x");
    var c = spec.taskTemplate().containerSpec();
    assertThat(c.tty()).isTrue();
    assertThat(c.openStdin()).isTrue();
    assertThat(c.readOnly()).isTrue();
    assertThat(c.init()).isTrue();
    assertThat(c.stopSignal()).isEqualTo("SIGINT");
    assertThat(c.extraHosts()).containsExactly("db.example:10.0.0.9");
    assertThat(c.dnsConfig().nameservers()).containsExactly("10.0.0.2");
    assertThat(c.dnsConfig().search()).containsExactly("example");
    assertThat(c.sysctls()).containsEntry("net.core.somaxconn", "1024");
    assertThat(c.capabilityAdd()).containsExactly("CAP_NET_ADMIN");
    assertThat(c.capabilityDrop()).containsExactly("CAP_MKNOD");
    assertThat(c.ulimits()).containsExactly(new io.berth.cluster.model.ContainerSpec.Ulimit("nofile", 1024, 2048));
    assertThat(c.oomScoreAdj()).isEqualTo(100);
    assertThat(c.mounts().get(0).volumeOptions().labels()).containsEntry("com.docker.stack.namespace", "stk");
    assertThat(c.mounts().get(0).volumeOptions().noCopy()).isTrue();
    assertThat(c.mounts().get(1).bindOptions().propagation()).isEqualTo("rslave");
    assertThat(c.mounts().get(2).tmpfsOptions().sizeBytes()).isEqualTo(1048576);
    assertThat(spec.taskTemplate().placement().maxReplicas()).isEqualTo(2);
    // what inspect shows reads back to the same spec (the CLI's next update sends it)
    assertThat(ServiceSpecReader.read(Json.MAPPER.valueToTree(spec), () -> "x")).isEqualTo(spec);
    // an empty DNSConfig or options object equals none: a redeploy of the same file changes nothing
    assertThat(ServiceSpecReader.read(json(PLAIN), () -> "x").taskTemplate().containerSpec().dnsConfig()).isNull();
  }

  @Test
  void refusesUnknownFields() {
    refused(PLAIN.replace("\"Init\":false", "\"Init\":false,\"Bogus\":1"), "unknown field TaskTemplate.ContainerSpec.Bogus");
  }

  @Test
  void readsTheRoutingMeshDnsrrAndNetworks() {
    // docker service create -p 8080:80 (ingress, the CLI's default mode) --endpoint-mode dnsrr is the control's to refuse
    ServiceSpec spec = ServiceSpecReader.read(json(PLAIN.replace("{\"Mode\":\"vip\"}",
        "{\"Mode\":\"dnsrr\",\"Ports\":[{\"Protocol\":\"tcp\",\"TargetPort\":80,\"PublishedPort\":8080,"
            + "\"PublishMode\":\"ingress\"}]}").replace("\"ForceUpdate\":0",
        "\"ForceUpdate\":0,\"Networks\":[{\"Target\":\"n1\",\"Aliases\":[\"web\"]}]")), () -> "x");
    assertThat(spec.endpointSpec().mode()).isEqualTo("dnsrr");
    assertThat(spec.endpointSpec().ports().getFirst().publishMode()).isEqualTo(PublishMode.INGRESS);
    assertThat(spec.taskTemplate().networks()).containsExactly(
        new NetworkAttachmentConfig("n1", List.of("web"), null));
  }

  @Test
  void movesTheDeprecatedTopLevelNetworksIntoTheTaskTemplate() {
    ServiceSpec spec = ServiceSpecReader.read(json(PLAIN.replace("\"EndpointSpec\"",
        "\"Networks\":[{\"Target\":\"n2\"}],\"EndpointSpec\"")), () -> "x");
    assertThat(spec.taskTemplate().networks()).extracting(NetworkAttachmentConfig::target).containsExactly("n2");
    refused(PLAIN.replace("\"EndpointSpec\"", "\"Networks\":[{\"Target\":\"n2\"}],\"EndpointSpec\"")
        .replace("\"ForceUpdate\":0", "\"ForceUpdate\":0,\"Networks\":[{\"Target\":\"n1\"}]"), "both set");
  }

  @Test
  void acceptsHostModePortsAndTheDefaultIsolation() {
    String body = PLAIN.replace("{\"Mode\":\"vip\"}", "{\"Mode\":\"vip\",\"Ports\":[{\"Protocol\":\"tcp\","
        + "\"TargetPort\":80,\"PublishedPort\":8080,\"PublishMode\":\"host\"}]}")
        .replace("\"Init\":false", "\"Init\":false,\"Isolation\":\"default\"");
    ServiceSpec spec = ServiceSpecReader.read(json(body), () -> "x");
    assertThat(spec.endpointSpec().ports().getFirst().publishMode()).isEqualTo(PublishMode.HOST);
  }

  @Test
  void aBadValueInsideTheModelIsRefusedWithItsOwnText() {
    refused(PLAIN.replace("\"Image\":\"busybox:1\",", ""), "ContainerSpec must have an image");
    refused(PLAIN.replace("{\"Replicas\":2}", "{\"Replicas\":-1}"), "replicas must not be negative");
  }

  @Test
  void readsBackItsOwnInspectOutputAsTheCliSendsItOnUpdate() {
    String body = FLAGS.replace("{\"Mode\":\"vip\"}", "{\"Mode\":\"vip\",\"Ports\":[{\"Protocol\":\"tcp\","
        + "\"TargetPort\":80,\"PublishedPort\":8080,\"PublishMode\":\"host\"}]}")
        .replace("\"Args\":[\"top\"]", "\"Args\":[\"top\"],\"StopGracePeriod\":3000000000");
    ServiceSpec spec = ServiceSpecReader.read(json(body), () -> "x");
    JsonNode shown = Json.MAPPER.valueToTree(spec);
    assertThat(ServiceSpecReader.read(shown, () -> "x")).isEqualTo(spec);
  }

  /** {@code docker service update --env-add A=1 web}: the spec Berth showed, changed and sent back. */
  static final String UPDATE_ENV = """
      {"Name":"web","Labels":{},"TaskTemplate":{"ContainerSpec":{"Image":"127.0.0.1:5000/it/svc:1@sha256:\
      aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","Args":["sleep","1d"],"Env":["A=1"]},\
      "Resources":{},"RestartPolicy":{"Condition":"any","Delay":5000000000,"MaxAttempts":0,"Window":0},\
      "Placement":{"Platforms":[{"Architecture":"amd64","OS":"linux"}]},"ForceUpdate":1},\
      "Mode":{"Replicated":{"Replicas":2}},"EndpointSpec":{"Mode":"vip"}}""";

  @Test
  void readsTheCliUpdateBody() {
    ServiceSpec spec = ServiceSpecReader.read(json(UPDATE_ENV), () -> "x");
    assertThat(spec.taskTemplate().containerSpec().env()).containsExactly("A=1");
    assertThat(spec.taskTemplate().placement().platforms().getFirst().os()).isEqualTo("linux");
    assertThat(spec.taskTemplate().forceUpdate()).isEqualTo(1);
  }

  @Test
  void readsTheUpdateAndRollbackSettings() { // what the CLI sends for --update-* / --rollback-* flags
    ServiceSpec spec = ServiceSpecReader.read(json(PLAIN.replace("\"EndpointSpec\"",
        "\"UpdateConfig\":{\"Parallelism\":2,\"Delay\":1000000000,\"FailureAction\":\"rollback\","
            + "\"Monitor\":5000000000,\"MaxFailureRatio\":0.25,\"Order\":\"start-first\"},"
            + "\"RollbackConfig\":{\"Parallelism\":0,\"FailureAction\":\"continue\",\"Order\":\"stop-first\"},"
            + "\"EndpointSpec\"")), () -> "x");
    assertThat(spec.update()).isEqualTo(new io.berth.cluster.model.UpdateConfig(2, 1_000_000_000L, "rollback",
        5_000_000_000L, 0.25, "start-first"));
    assertThat(spec.rollback().parallelism()).isZero();
    assertThat(spec.rollback().failureAction()).isEqualTo("continue");
    assertThat(ServiceSpecReader.read(json(PLAIN), () -> "x").update()).as("none given: swarmkit's defaults")
        .isEqualTo(io.berth.cluster.model.UpdateConfig.DEFAULT);
  }

  private static void refused(String body, String... texts) {
    assertThatThrownBy(() -> ServiceSpecReader.read(json(body), () -> "x"))
        .isInstanceOf(InvalidArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains(texts));
  }

  static JsonNode json(String s) {
    try {
      return Json.MAPPER.readTree(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
