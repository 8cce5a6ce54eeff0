package io.berth.cli.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code service create} and {@code update} against a stand-in daemon: the request bodies are
 * compared with the ones docker v28's CLI sends for the same flags (written out from its
 * ToService/updateService and its client's image pinning).
 */
class ServiceCreateTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String DIGEST = "sha256:" + "ab".repeat(32);
  @TempDir Path dir;
  FakeDaemon daemon;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws Exception {
    daemon = new FakeDaemon(dir);
    daemon.on("GET", "/distribution/reg.example:5000/app:1/json",
        "{\"Descriptor\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + DIGEST
            + "\",\"size\":527},\"Platforms\":[{\"architecture\":\"amd64\",\"os\":\"linux\"}]}");
    daemon.on("POST", "/services/create", "{\"ID\":\"svc1\",\"Warnings\":[]}");
    Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"reg.example:5000\":{\"auth\":\""
        + Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
  }

  @AfterEach
  void stop() throws Exception {
    daemon.close();
  }

  int berth(String... args) {
    return Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("DOCKER_HOST", daemon.uri(), "DOCKER_CONFIG", dir.toString()));
  }

  static JsonNode json(String s) throws Exception {
    return JSON.readTree(s.replace('\'', '"'));
  }

  @Test
  void createSendsDockersSpecForTheIssuesFlags() throws Exception {
    int rc = berth("service", "create", "--name", "web", "--replicas", "3", "-e", "A=1", "-l", "tier=front",
        "--constraint", "node.role==worker", "--placement-pref", "spread=node.labels.az", "--replicas-max-per-node", "2",
        "--reserve-cpu", "0.5", "--reserve-memory", "64m", "--limit-cpu", "1", "--limit-memory", "128m",
        "--restart-condition", "on-failure", "--restart-max-attempts", "3",
        "--health-cmd", "wget -q localhost", "--health-interval", "5s", "--health-retries", "2",
        "--mount", "type=volume,src=data,dst=/data", "--with-registry-auth", "-d",
        "reg.example:5000/app:1", "sleep", "1d");
    assertThat(rc).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo("svc1\n");
    JsonNode expected = json("""
        {'Name':'web','Labels':{'tier':'front'},
         'TaskTemplate':{
           'ContainerSpec':{'Image':'reg.example:5000/app:1@%s','Args':['sleep','1d'],'Env':['A=1'],'Init':false,
             'Mounts':[{'Type':'volume','Source':'data','Target':'/data'}],
             'Healthcheck':{'Test':['CMD-SHELL','wget -q localhost'],'Interval':5000000000,'Retries':2},
             'DNSConfig':{}},
           'Resources':{'Limits':{'NanoCPUs':1000000000,'MemoryBytes':134217728},
             'Reservations':{'NanoCPUs':500000000,'MemoryBytes':67108864}},
           'RestartPolicy':{'Condition':'on-failure','Delay':5000000000,'MaxAttempts':3},
           'Placement':{'Constraints':['node.role==worker'],'Preferences':[{'Spread':{'SpreadDescriptor':'node.labels.az'}}],
             'MaxReplicas':2,'Platforms':[{'Architecture':'amd64','OS':'linux'}]},
           'ForceUpdate':0},
         'Mode':{'Replicated':{'Replicas':3}},
         'EndpointSpec':{'Mode':'vip'}}
        """.formatted(DIGEST));
    FakeDaemon.Request create = daemon.only("POST", "/services/create");
    assertThat(JSON.readTree(create.body())).isEqualTo(expected);
    // the stored credentials go with the digest lookup and the create, as docker's X-Registry-Auth
    String auth = create.header("X-Registry-Auth");
    assertThat(auth).isNotNull().isEqualTo(daemon.only("GET", "/distribution/reg.example:5000/app:1/json").header("X-Registry-Auth"));
    assertThat(new String(Base64.getUrlDecoder().decode(auth), StandardCharsets.UTF_8)).contains("\"alice\"").contains("\"secret\"");
  }

  @Test
  void minimalCreateIsDockersMinimalSpecAndWithoutAuthSendsNoCredentials() throws Exception {
    daemon.on("GET", "/services/svc1", "{\"ID\":\"svc1\",\"Spec\":{\"Mode\":{\"Replicated\":{\"Replicas\":1}}}}");
    daemon.on("GET", "/tasks", "[{\"ID\":\"t1\",\"DesiredState\":\"running\",\"Status\":{\"State\":\"running\"}}]");
    assertThat(berth("service", "create", "reg.example:5000/app:1")).as(err.toString()).isZero();
    FakeDaemon.Request create = daemon.only("POST", "/services/create");
    assertThat(JSON.readTree(create.body())).isEqualTo(json("""
        {'Labels':{},'TaskTemplate':{'ContainerSpec':{'Image':'reg.example:5000/app:1@%s','Init':false,'DNSConfig':{}},
         'Resources':{'Limits':{},'Reservations':{}},'Placement':{'Platforms':[{'Architecture':'amd64','OS':'linux'}]},
         'ForceUpdate':0},'Mode':{'Replicated':{}},'EndpointSpec':{'Mode':'vip'}}
        """.formatted(DIGEST)));
    assertThat(create.header("X-Registry-Auth")).isNull();
    // without --detach it waits for the tasks to run
    assertThat(out.toString()).isEqualTo("svc1\noverall progress: 1 out of 1 tasks\nverify: Service svc1 converged\n");
  }

  @Test
  void anImageTheRegistryCannotResolveIsTaggedAndWarnedAbout() throws Exception {
    assertThat(berth("service", "create", "-d", "--mode", "global", "busybox")).as(err.toString()).isZero();
    JsonNode body = JSON.readTree(daemon.only("POST", "/services/create").body());
    assertThat(body.path("TaskTemplate").path("ContainerSpec").path("Image").asText()).isEqualTo("busybox:latest");
    assertThat(body.path("Mode")).isEqualTo(json("{'Global':{}}"));
    assertThat(err.toString()).startsWith("image busybox:latest could not be accessed on a registry to record\nits digest.");
  }

  @Test
  void modesRefuseFlagsTheyHaveNoUseForAndUnknownFlagsAreRefusedByName() {
    assertThat(berth("service", "create", "--mode", "global", "--replicas", "2", "busybox")).isEqualTo(1);
    assertThat(err.toString()).contains("replicas can only be used with replicated or replicated-job mode");
    err.reset();
    assertThat(berth("service", "create", "--mode", "sometimes", "busybox")).isEqualTo(1);
    assertThat(err.toString()).contains("unknown mode: sometimes, only replicated and global supported");
    err.reset();
    assertThat(berth("service", "create", "--tty", "busybox")).isEqualTo(125);
    assertThat(err.toString()).contains("Unknown option: '--tty'");
    err.reset();
    assertThat(berth("service", "create", "--placement-pref", "pack=x", "busybox")).isEqualTo(1);
    assertThat(err.toString()).contains("unsupported placement preference pack (only spread is supported)");
    assertThat(daemon.requests).isEmpty();
  }

  @Test
  void jobsSendTheirCompletionsAndTheCommandAfterTheImageKeepsItsFlags() throws Exception {
    assertThat(berth("service", "create", "-d", "--no-resolve-image", "--mode", "replicated-job", "--replicas", "4",
        "--entrypoint", "/bin/sh -e", "--stop-grace-period", "3s", "--container-label", "c=1",
        "reg.example:5000/app:1", "sh", "-c", "exit 0")).as(err.toString()).isZero();
    JsonNode body = JSON.readTree(daemon.only("POST", "/services/create").body());
    JsonNode cs = body.path("TaskTemplate").path("ContainerSpec");
    assertThat(cs.path("Command")).isEqualTo(json("['/bin/sh','-e']"));
    assertThat(cs.path("StopGracePeriod").asLong()).isEqualTo(3_000_000_000L);
    assertThat(cs.path("Labels")).isEqualTo(json("{'c':'1'}"));
    assertThat(body.path("Mode")).isEqualTo(json("{'ReplicatedJob':{'MaxConcurrent':4,'TotalCompletions':4}}"));
    assertThat(body.path("TaskTemplate").path("ContainerSpec").path("Args")).isEqualTo(json("['sh','-c','exit 0']"));
    assertThat(body.path("TaskTemplate").path("ContainerSpec").path("Image").asText()).isEqualTo("reg.example:5000/app:1");
    assertThat(daemon.requests).extracting(FakeDaemon.Request::path).containsExactly("/services/create");
  }

  @Test
  void updateChangesOnlyWhatTheFlagsSayAndSendsTheVersion() throws Exception {
    daemon.on("GET", "/services/web", """
        {"ID":"svc1","Version":{"Index":42},"Spec":{"Name":"web","Labels":{"a":"1"},
         "TaskTemplate":{"ContainerSpec":{"Image":"app:1@%s","Env":["A=1","B=2"]},"Placement":{"Constraints":["node.role==worker"]},"ForceUpdate":1},
         "Mode":{"Replicated":{"Replicas":2}}}}""".formatted(DIGEST));
    daemon.on("POST", "/services/svc1/update", "{\"Warnings\":null}");
    assertThat(berth("service", "update", "-d", "--env-add", "B=3", "--env-rm", "A", "--label-rm", "a", "--replicas", "5",
        "--constraint-rm", "node.role==worker", "--constraint-add", "node.labels.az==1", "--force",
        "--restart-condition", "none", "web")).as(err.toString()).isZero();
    FakeDaemon.Request update = daemon.only("POST", "/services/svc1/update");
    assertThat(update.query()).isEqualTo("registryAuthFrom=spec&version=42");
    assertThat(daemon.only("GET", "/services/web").query()).isEqualTo("insertDefaults=false");
    assertThat(JSON.readTree(update.body())).isEqualTo(json("""
        {'Name':'web','Labels':{},
         'TaskTemplate':{'ContainerSpec':{'Image':'app:1@%s','Env':['B=3']},'Placement':{'Constraints':['node.labels.az==1']},
           'RestartPolicy':{'Condition':'none','Delay':5000000000,'MaxAttempts':0},'ForceUpdate':2},
         'Mode':{'Replicated':{'Replicas':5}}}
        """.formatted(DIGEST)));
    assertThat(out.toString()).isEqualTo("web\n");
  }

  @Test
  void scaleSetsTheReplicasOnTheSpecItRead() throws Exception {
    daemon.on("GET", "/services/web", "{\"ID\":\"svc1\",\"Version\":{\"Index\":7},\"Spec\":{\"Name\":\"web\",\"Mode\":{\"Replicated\":{\"Replicas\":1}}}}");
    daemon.on("POST", "/services/svc1/update", "{}");
    assertThat(berth("service", "scale", "-d", "web=4")).as(err.toString()).isZero();
    FakeDaemon.Request update = daemon.only("POST", "/services/svc1/update");
    assertThat(update.query()).isEqualTo("version=7");
    assertThat(JSON.readTree(update.body())).isEqualTo(json("{'Name':'web','Mode':{'Replicated':{'Replicas':4}}}"));
    assertThat(out.toString()).isEqualTo("web scaled to 4\n");
    List<String> bad = new ArrayList<>(List.of("service", "scale", "web"));
    assertThat(berth(bad.toArray(String[]::new))).isEqualTo(1);
    assertThat(err.toString()).contains("Invalid scale specifier 'web'");
  }

  @Test
  void secretsAndConfigsAreSentByIdAndNameAsDockerDoes() throws Exception {
    daemon.on("GET", "/secrets", "[{\"ID\":\"sec1\",\"Spec\":{\"Name\":\"pw\"}}]");
    daemon.on("GET", "/configs", "[{\"ID\":\"cfg1\",\"Spec\":{\"Name\":\"app.conf\"}}]");
    assertThat(berth("service", "create", "-d", "--no-resolve-image", "--name", "web",
        "--secret", "source=pw,target=db,uid=1000,gid=1001,mode=0400", "--config", "app.conf", "app:1"))
        .as(err.toString()).isZero();
    JsonNode cs = JSON.readTree(daemon.only("POST", "/services/create").body()).path("TaskTemplate").path("ContainerSpec");
    assertThat(cs.path("Secrets")).isEqualTo(json(
        "[{'File':{'Name':'db','UID':'1000','GID':'1001','Mode':256},'SecretName':'pw','SecretID':'sec1'}]"));
    assertThat(cs.path("Configs")).isEqualTo(json(
        "[{'File':{'Name':'app.conf','UID':'0','GID':'0','Mode':292},'ConfigName':'app.conf','ConfigID':'cfg1'}]"));
    assertThat(daemon.only("GET", "/secrets").query()).contains("filters=");

    assertThat(berth("service", "create", "-d", "--no-resolve-image", "--secret", "nosuch", "app:1")).isNotZero();
    assertThat(err.toString()).contains("secret not found: nosuch");
  }

  @Test
  void secretRmAndAddRotateOnTheSpecRead() throws Exception {
    daemon.on("GET", "/services/web", """
        {"ID":"svc1","Version":{"Index":9},"Spec":{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":"app:1",
         "Secrets":[{"File":{"Name":"db","UID":"0","GID":"0","Mode":292},"SecretID":"old1","SecretName":"pw"}]}},
         "Mode":{"Replicated":{"Replicas":1}}}}""");
    daemon.on("GET", "/secrets", "[{\"ID\":\"new1\",\"Spec\":{\"Name\":\"pw2\"}}]");
    daemon.on("POST", "/services/svc1/update", "{}");
    assertThat(berth("service", "update", "-d", "--secret-rm", "pw", "--secret-add", "source=pw2,target=db", "web"))
        .as(err.toString()).isZero();
    JsonNode body = JSON.readTree(daemon.only("POST", "/services/svc1/update").body());
    assertThat(body.path("TaskTemplate").path("ContainerSpec").path("Secrets")).isEqualTo(json(
        "[{'File':{'Name':'db','UID':'0','GID':'0','Mode':292},'SecretName':'pw2','SecretID':'new1'}]"));
  }
}
