package io.berth.cli.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Networks, published ports, endpoint mode, rolling-update and rollback settings of
 * {@code service create/update} and {@code service rollback}, against a stand-in daemon: the
 * expected bodies and queries are the ones docker v28.2.2's CLI sent to a berthd for the same
 * command lines (captured on the wire), the network ids as the stand-in answers them.
 */
class ServiceEndpointFlagsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ONET = "7tk2mqtv6vs8flq8u4fmfdhzw";
  static final String ONET2 = "en242683jglfh51061csubq7l";
  /** The spec of cap1 as docker's CLI re-sent it (what {@code service update --rollback} sent back). */
  static final String CAP1 = """
      {"Name":"cap1","Labels":{},"TaskTemplate":{"ContainerSpec":{"Image":"it/busybox:1","Args":["sleep","1d"]},
       "Resources":{"Limits":{},"Reservations":{}},"RestartPolicy":{"Condition":"any","Delay":5000000000,"MaxAttempts":0,"Window":0},
       "Placement":{},"Networks":[{"Target":"7tk2mqtv6vs8flq8u4fmfdhzw","Aliases":["web"]}],"ForceUpdate":0},
       "Mode":{"Replicated":{"Replicas":1}},
       "UpdateConfig":{"Parallelism":2,"Delay":3000000000,"FailureAction":"rollback","Monitor":5000000000,"MaxFailureRatio":0.25,"Order":"start-first"},
       "RollbackConfig":{"Parallelism":1,"FailureAction":"pause","Monitor":7000000000,"MaxFailureRatio":0,"Order":"stop-first"},
       "EndpointSpec":{"Mode":"vip","Ports":[{"Protocol":"tcp","TargetPort":8080,"PublishedPort":18731,"PublishMode":"ingress"},
         {"Protocol":"udp","TargetPort":81,"PublishedPort":18732,"PublishMode":"host"}]}}""";
  @TempDir Path dir;
  FakeDaemon daemon;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws Exception {
    daemon = new FakeDaemon(dir);
    daemon.on("GET", "/networks/onet", "{\"Id\":\"" + ONET + "\",\"Name\":\"onet\"}");
    daemon.on("GET", "/networks/onet2", "{\"Id\":\"" + ONET2 + "\",\"Name\":\"onet2\"}");
    daemon.on("GET", "/networks/abc", "{\"Id\":\"0abc\",\"Name\":\"abc\"}");
    daemon.on("POST", "/services/create", "{\"ID\":\"svc1\"}");
    daemon.on("GET", "/services/cap1", "{\"ID\":\"svc1\",\"Version\":{\"Index\":14},\"Spec\":" + CAP1 + "}");
    daemon.on("POST", "/services/svc1/update", "{\"Warnings\":[\"a warning\"]}");
  }

  @AfterEach
  void stop() throws Exception {
    daemon.close();
  }

  int berth(String... args) {
    return Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("DOCKER_HOST", daemon.uri(), "DOCKER_CONFIG", dir.toString()));
  }

  JsonNode body(String method, String path) throws Exception {
    return JSON.readTree(daemon.only(method, path).body());
  }

  @Test
  void createSendsDockersEndpointNetworksAndUpdateSettings() throws Exception {
    assertThat(berth("service", "create", "-d", "--name", "cap1", "--no-resolve-image", "-p", "18731:8080",
        "-p", "mode=host,target=81,published=18732,protocol=udp", "--network", "name=onet,alias=web", "--endpoint-mode", "vip",
        "--update-order", "start-first", "--update-parallelism", "2", "--update-delay", "3s", "--update-failure-action", "rollback",
        "--update-max-failure-ratio", "0.25", "--rollback-monitor", "7s", "it/busybox:1", "sleep", "1d")).as(err.toString()).isZero();
    assertThat(daemon.only("GET", "/networks/onet").query()).isEqualTo("scope=swarm");
    assertThat(body("POST", "/services/create")).isEqualTo(JSON.readTree("""
        {"Name":"cap1","Labels":{},"TaskTemplate":{"ContainerSpec":{"Image":"it/busybox:1","Args":["sleep","1d"],"Init":false,"DNSConfig":{}},
         "Resources":{"Limits":{},"Reservations":{}},"Placement":{},"Networks":[{"Target":"7tk2mqtv6vs8flq8u4fmfdhzw","Aliases":["web"]}],
         "ForceUpdate":0},"Mode":{"Replicated":{}},
         "UpdateConfig":{"Parallelism":2,"Delay":3000000000,"FailureAction":"rollback","Monitor":5000000000,"MaxFailureRatio":0.25,"Order":"start-first"},
         "RollbackConfig":{"Parallelism":1,"FailureAction":"pause","Monitor":7000000000,"MaxFailureRatio":0,"Order":"stop-first"},
         "EndpointSpec":{"Mode":"vip","Ports":[{"Protocol":"tcp","TargetPort":8080,"PublishedPort":18731,"PublishMode":"ingress"},
           {"Protocol":"udp","TargetPort":81,"PublishedPort":18732,"PublishMode":"host"}]}}"""));
  }

  @Test
  void shortPortsExpandRangesAndNetworksAreSortedByIdWithTheirDriverOptions() throws Exception {
    assertThat(berth("service", "create", "-d", "--no-resolve-image", "--network", "onet", "--network",
        "name=abc,driver-opt=com.example.x=1", "-p", "8080-8081:80-81/udp", "-p", "90", "-p", "9000-9001:91",
        "--endpoint-mode", "DNSRR", "it/busybox:1")).as(err.toString()).isZero();
    JsonNode b = body("POST", "/services/create");
    assertThat(b.path("TaskTemplate").path("Networks")).isEqualTo(JSON.readTree("""
        [{"Target":"0abc","DriverOpts":{"com.example.x":"1"}},{"Target":"7tk2mqtv6vs8flq8u4fmfdhzw"}]"""));
    assertThat(b.path("EndpointSpec")).isEqualTo(JSON.readTree("""
        {"Mode":"dnsrr","Ports":[{"Protocol":"udp","TargetPort":80,"PublishedPort":8080,"PublishMode":"ingress"},
          {"Protocol":"udp","TargetPort":81,"PublishedPort":8081,"PublishMode":"ingress"},
          {"Protocol":"tcp","TargetPort":90,"PublishMode":"ingress"},
          {"Protocol":"tcp","TargetPort":91,"PublishedPort":9000,"PublishMode":"ingress"},
          {"Protocol":"tcp","TargetPort":91,"PublishedPort":9001,"PublishMode":"ingress"}]}"""));
    assertThat(b.has("UpdateConfig")).as("no update flag, no UpdateConfig").isFalse();
  }

  @Test
  void updateMovesNetworksAndPortsAndMergesTheSettingsAsDocker() throws Exception {
    assertThat(berth("service", "update", "-d", "--network-add", "onet2", "--network-rm", "onet", "--publish-add", "18733:90",
        "--publish-rm", "8080", "--endpoint-mode", "dnsrr", "--update-order", "stop-first", "--rollback-parallelism", "0", "cap1"))
        .as(err.toString()).isZero();
    FakeDaemon.Request update = daemon.only("POST", "/services/svc1/update");
    assertThat(update.query()).isEqualTo("registryAuthFrom=spec&version=14");
    assertThat(JSON.readTree(update.body())).isEqualTo(JSON.readTree("""
        {"Name":"cap1","Labels":{},"TaskTemplate":{"ContainerSpec":{"Image":"it/busybox:1","Args":["sleep","1d"]},
         "Resources":{"Limits":{},"Reservations":{}},"RestartPolicy":{"Condition":"any","Delay":5000000000,"MaxAttempts":0,"Window":0},
         "Placement":{},"Networks":[{"Target":"en242683jglfh51061csubq7l"}],"ForceUpdate":0},"Mode":{"Replicated":{"Replicas":1}},
         "UpdateConfig":{"Parallelism":2,"Delay":3000000000,"FailureAction":"rollback","Monitor":5000000000,"MaxFailureRatio":0.25,"Order":"stop-first"},
         "RollbackConfig":{"Parallelism":0,"FailureAction":"pause","Monitor":7000000000,"MaxFailureRatio":0,"Order":"stop-first"},
         "EndpointSpec":{"Mode":"dnsrr","Ports":[{"Protocol":"udp","TargetPort":81,"PublishedPort":18732,"PublishMode":"host"},
           {"Protocol":"tcp","TargetPort":90,"PublishedPort":18733,"PublishMode":"ingress"}]}}"""));
    assertThat(err.toString()).isEqualTo("a warning\n");
    assertThat(out.toString()).isEqualTo("cap1\n");
  }

  @Test
  void updateSettingsStartFromSwarmkitsDefaultsAndAPortRemovedByAllItsFieldsLeavesNone() throws Exception {
    daemon.on("GET", "/services/bare", "{\"ID\":\"svc1\",\"Version\":{\"Index\":3},\"Spec\":{\"Name\":\"bare\",\"TaskTemplate\":{\"ContainerSpec\":{}},"
        + "\"EndpointSpec\":{\"Mode\":\"vip\",\"Ports\":[{\"Protocol\":\"tcp\",\"TargetPort\":80,\"PublishedPort\":8080}]}}}");
    assertThat(berth("service", "update", "-d", "--update-delay", "0", "--update-monitor", "10s", "--rollback-max-failure-ratio", "0.5",
        "--publish-rm", "mode=ingress,target=80", "--network-add", "onet", "bare")).as(err.toString()).isZero();
    assertThat(body("POST", "/services/svc1/update")).isEqualTo(JSON.readTree("""
        {"Name":"bare","TaskTemplate":{"ContainerSpec":{},"Networks":[{"Target":"7tk2mqtv6vs8flq8u4fmfdhzw"}]},
         "UpdateConfig":{"Parallelism":1,"FailureAction":"pause","Monitor":10000000000,"MaxFailureRatio":0,"Order":"stop-first"},
         "RollbackConfig":{"Parallelism":1,"FailureAction":"pause","Monitor":5000000000,"MaxFailureRatio":0.5,"Order":"stop-first"},
         "EndpointSpec":{"Mode":"vip"}}"""));
  }

  @Test
  void rollbackSendsTheCurrentSpecWithRollbackPrevious() throws Exception {
    assertThat(berth("service", "rollback", "-d", "cap1")).as(err.toString()).isZero();
    FakeDaemon.Request r = daemon.only("POST", "/services/svc1/update");
    assertThat(r.query()).isEqualTo("rollback=previous&version=14");
    assertThat(JSON.readTree(r.body())).isEqualTo(JSON.readTree(CAP1));
    assertThat(daemon.only("GET", "/services/cap1").query()).isEqualTo("insertDefaults=false");
    assertThat(out.toString()).isEqualTo("cap1\n");
  }

  @Test
  void updateRollbackIsServerSideAndTakesNoOtherFlag() throws Exception {
    assertThat(berth("service", "update", "--rollback", "--env-add", "A=1", "cap1")).isEqualTo(1);
    assertThat(err.toString()).contains("other flags may not be combined with --rollback");
    assertThat(daemon.requests).isEmpty();
    assertThat(berth("service", "update", "--rollback", "-d", "-q", "cap1")).as(err.toString()).isZero();
    FakeDaemon.Request r = daemon.only("POST", "/services/svc1/update");
    assertThat(r.query()).isEqualTo("registryAuthFrom=spec&rollback=previous&version=14");
    assertThat(JSON.readTree(r.body())).isEqualTo(JSON.readTree(CAP1));
  }

  @Test
  void badValuesAreRefusedWithDockersWordsBeforeAnyRequest() {
    Map<String[], String> cases = Map.of(
        new String[] {"-p", "1.2.3.4:80:80"}, "invalid argument \"1.2.3.4:80:80\" for \"--publish\" flag: hostip is not supported",
        new String[] {"-p", "mode=x,target=80"}, "invalid publish mode value (x): must be either 'ingress' or 'host'",
        new String[] {"-p", "published=80"}, "missing mandatory field 'target'",
        new String[] {"-p", "target=99999"}, "invalid target port (99999): value must be an integer: value out of range",
        new String[] {"-p", "target=80,protocol=icmp"}, "invalid protocol value 'icmp'",
        new String[] {"-p", "80:x"}, "invalid containerPort: x",
        new String[] {"--update-delay", "3x"}, "invalid argument \"3x\" for \"--update-delay\" flag: time: invalid duration \"3x\"",
        new String[] {"--rollback-max-failure-ratio", "abc"},
        "invalid argument \"abc\" for \"--rollback-max-failure-ratio\" flag: strconv.ParseFloat: parsing \"abc\": invalid syntax",
        new String[] {"--update-parallelism", "-1"}, "strconv.ParseUint: parsing \"-1\": invalid syntax",
        new String[] {"--network", "name=onet,ip=10.0.0.5"}, "network field ip is not supported for services");
    for (var c : cases.entrySet()) {
      err.reset();
      String[] args = new String[c.getKey().length + 3];
      args[0] = "service";
      args[1] = "create";
      System.arraycopy(c.getKey(), 0, args, 2, c.getKey().length);
      args[args.length - 1] = "busybox";
      assertThat(berth(args)).as(String.join(" ", args)).isEqualTo(1);
      assertThat(err.toString()).as(String.join(" ", args)).contains(c.getValue());
    }
    err.reset();
    assertThat(berth("service", "create", "--mode", "replicated-job", "--rollback-order", "start-first", "busybox")).isEqualTo(1);
    assertThat(err.toString()).contains("update and rollback configuration is not supported for jobs");
    err.reset();
    assertThat(berth("service", "update", "--publish-add", "mode=bad,target=1", "cap1")).isEqualTo(1);
    assertThat(err.toString()).contains("for \"--publish-add\" flag: invalid publish mode value (bad)");
    assertThat(daemon.requests).isEmpty();
  }

  @Test
  void aNetworkTheServiceIsOnAlreadyCannotBeAddedAgainAndAnUnknownOneIsTheDaemonsError() {
    assertThat(berth("service", "update", "-d", "--network-add", "onet", "cap1")).isEqualTo(1);
    assertThat(err.toString()).contains("service is already attached to network onet");
    err.reset();
    assertThat(berth("service", "create", "-d", "--network", "nosuch", "busybox")).isEqualTo(1);
    assertThat(err.toString()).contains("page not found");
    assertThat(daemon.requests).extracting(FakeDaemon.Request::method).doesNotContain("POST");
  }
}
