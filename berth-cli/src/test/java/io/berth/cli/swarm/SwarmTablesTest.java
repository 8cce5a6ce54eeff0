package io.berth.cli.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docker's tables for {@code service ls}, {@code service ps}, {@code node ls}, and the swarm requests, against a stand-in daemon. */
class SwarmTablesTest {
  @TempDir Path dir;
  FakeDaemon daemon;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws Exception {
    daemon = new FakeDaemon(dir);
  }

  @AfterEach
  void stop() throws Exception {
    daemon.close();
  }

  int berth(String... args) {
    return Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("DOCKER_HOST", daemon.uri()));
  }

  @Test
  void serviceLsIsDockersTable() {
    daemon.on("GET", "/services", """
        [{"ID":"zzsvc0000000000000000000b","Spec":{"Name":"web10","Mode":{"Replicated":{"Replicas":3}},
           "TaskTemplate":{"ContainerSpec":{"Image":"reg:5000/app:1@sha256:%s"},"Placement":{"MaxReplicas":2}}},
           "Endpoint":{"Ports":[{"Protocol":"tcp","TargetPort":80,"PublishedPort":8080,"PublishMode":"ingress"},
             {"Protocol":"tcp","TargetPort":81,"PublishedPort":8081,"PublishMode":"ingress"}]},
           "ServiceStatus":{"RunningTasks":2,"DesiredTasks":3}},
         {"ID":"aasvc0000000000000000000a","Spec":{"Name":"web2","Mode":{"Global":{}},
           "TaskTemplate":{"ContainerSpec":{"Image":"busybox:latest"}}},"ServiceStatus":{"RunningTasks":3,"DesiredTasks":3}},
         {"ID":"jjsvc0000000000000000000c","Spec":{"Name":"batch","Mode":{"ReplicatedJob":{"TotalCompletions":5}},
           "TaskTemplate":{"ContainerSpec":{"Image":"busybox:latest"}}},"ServiceStatus":{"RunningTasks":1,"DesiredTasks":1,"CompletedTasks":4}}]
        """.formatted("cd".repeat(32)));
    assertThat(berth("service", "ls")).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo("""
        ID             NAME      MODE             REPLICAS               IMAGE            PORTS
        jjsvc0000000   batch     replicated job   1/1 (4/5 completed)    busybox:latest
        aasvc0000000   web2      global           3/3                    busybox:latest
        zzsvc0000000   web10     replicated       2/3 (max 2 per node)   reg:5000/app:1   *:8080-8081->80-81/tcp
        """);
    assertThat(daemon.only("GET", "/services").query()).isEqualTo("status=true");
    out.reset();
    assertThat(berth("service", "ls", "-q")).isZero();
    assertThat(out.toString()).isEqualTo("jjsvc0000000000000000000c\naasvc0000000000000000000a\nzzsvc0000000000000000000b\n");
    out.reset();
    assertThat(berth("service", "ls", "--format", "{{.Name}} {{.Replicas}}")).isZero();
    assertThat(out.toString()).isEqualTo("batch 1/1 (4/5 completed)\nweb2 3/3\nweb10 2/3 (max 2 per node)\n");
  }

  @Test
  void servicePsNamesTasksBySlotNewestFirstWithRelativeTimes() throws Exception {
    Instant now = Instant.parse("2026-12-06T23:00:00Z");
    daemon.on("GET", "/services/svcweb", "{\"ID\":\"svcweb\",\"Spec\":{\"Name\":\"web\"}}");
    daemon.on("GET", "/nodes/n1", "{\"ID\":\"n1\",\"Description\":{\"Hostname\":\"node1\"}}");
    daemon.on("GET", "/nodes/n2", "{\"ID\":\"n2\",\"Description\":{\"Hostname\":\"node2\"}}");
    List<JsonNode> tasks = new ArrayList<>();
    for (String t : List.of(
        task("t10aaaaaaaaaaaaaaaaaaaaaa", 10, "n2", "running", "running", "2026-12-06T22:59:55Z", "", "2026-12-06T22:59:50Z"),
        task("t2oldaaaaaaaaaaaaaaaaaaaa", 2, "n1", "shutdown", "failed", "2026-12-06T22:58:00Z",
            "task: non-zero exit (1): the container said no", "2026-12-06T22:57:00Z"),
        task("t2newaaaaaaaaaaaaaaaaaaaa", 2, "n2", "running", "running", "2026-12-06T22:30:00Z", "", "2026-12-06T22:58:01Z"))) {
      tasks.add(ServiceCreateTest.JSON.readTree(t));
    }
    List<JsonNode> rows = TaskTable.views(tasks, new Names(new io.berth.client.ApiClient(daemon.uri()), true), true, true, now);
    assertThat(rows).extracting(r -> r.path("Name").asText() + "|" + r.path("Node").asText() + "|" + r.path("CurrentState").asText()
        + "|" + r.path("Error").asText())
        .containsExactly(
            "web.2|node2|Running 30 minutes ago|",
            " \\_ web.2|node1|Failed 2 minutes ago|\"task: non-zero exit (1): the …\"",
            "web.10|node2|Running 5 seconds ago|");
    assertThat(rows.getFirst().path("ID").asText()).isEqualTo("t2newaaaaaaa");
    assertThat(rows.getFirst().path("Image").asText()).isEqualTo("busybox:1");
    // one lookup per service and node, however many tasks name them
    assertThat(daemon.requests).extracting(FakeDaemon.Request::path).containsExactlyInAnyOrder("/services/svcweb", "/nodes/n1", "/nodes/n2");
  }

  static String task(String id, int slot, String node, String desired, String state, String at, String error, String created) {
    return """
        {"ID":"%s","ServiceID":"svcweb","Slot":%d,"NodeID":"%s","DesiredState":"%s","CreatedAt":"%s",
         "Spec":{"ContainerSpec":{"Image":"busybox:1@sha256:%s"}},"Status":{"State":"%s","Timestamp":"%s","Err":"%s"}}
        """.formatted(id, slot, node, desired, created, "ef".repeat(32), state, at, error);
  }

  @Test
  void nodeLsMarksThisNodeAndSortsHostnamesNaturally() {
    daemon.on("GET", "/nodes", """
        [{"ID":"nodeid3","Description":{"Hostname":"node10","Engine":{"EngineVersion":"28.0.0"}},"Status":{"State":"ready"},
          "Spec":{"Availability":"active"}},
         {"ID":"nodeid1","Description":{"Hostname":"node1","Engine":{"EngineVersion":"28.0.0"}},"Status":{"State":"ready"},
          "Spec":{"Availability":"active"},"ManagerStatus":{"Leader":true,"Reachability":"reachable"}},
         {"ID":"nodeid2","Description":{"Hostname":"node2","Engine":{"EngineVersion":"28.0.0"}},"Status":{"State":"down"},
          "Spec":{"Availability":"drain"},"ManagerStatus":{"Reachability":"unreachable"}}]
        """);
    daemon.on("GET", "/info", "{\"Swarm\":{\"NodeID\":\"nodeid1\"}}");
    assertThat(berth("node", "ls")).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo("""
        ID          HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS   ENGINE VERSION
        nodeid1 *   node1      Ready     Active         Leader           28.0.0
        nodeid2     node2      Down      Drain          Unreachable      28.0.0
        nodeid3     node10     Ready     Active                          28.0.0
        """);
  }

  @Test
  void swarmInitSendsBerthsPublishedPortRange() throws Exception {
    daemon.on("POST", "/swarm/init", "\"nodeid1\"");
    daemon.on("GET", "/nodes/nodeid1", "{\"ID\":\"nodeid1\",\"ManagerStatus\":{\"Addr\":\"10.0.0.1:2377\"}}");
    daemon.on("GET", "/swarm", "{\"JoinTokens\":{\"Worker\":\"SWMTKN-1-w\",\"Manager\":\"SWMTKN-1-m\"}}");
    assertThat(berth("swarm", "init", "--advertise-addr", "10.0.0.1", "--published-port-range", "20000-20999"))
        .as(err.toString()).isZero();
    assertThat(ServiceCreateTest.JSON.readTree(daemon.only("POST", "/swarm/init").body()).path("PublishedPortRange")
        .asText()).isEqualTo("20000-20999");
  }

  @Test
  void swarmInitAndJoinSendDockersRequests() throws Exception {
    daemon.on("POST", "/swarm/init", "\"nodeid1\"");
    daemon.on("GET", "/nodes/nodeid1", "{\"ID\":\"nodeid1\",\"ManagerStatus\":{\"Addr\":\"10.0.0.1:2377\"}}");
    daemon.on("GET", "/swarm", "{\"JoinTokens\":{\"Worker\":\"SWMTKN-1-w\",\"Manager\":\"SWMTKN-1-m\"}}");
    assertThat(berth("swarm", "init", "--advertise-addr", "10.0.0.1", "--listen-addr", "10.0.0.1", "--task-history-limit", "3",
        "--dispatcher-heartbeat", "2s")).as(err.toString()).isZero();
    assertThat(ServiceCreateTest.JSON.readTree(daemon.only("POST", "/swarm/init").body())).isEqualTo(ServiceCreateTest.json("""
        {'ListenAddr':'10.0.0.1:2377','AdvertiseAddr':'10.0.0.1','DataPathAddr':'','DataPathPort':0,'ForceNewCluster':false,
         'Spec':{'Labels':null,'Orchestration':{'TaskHistoryRetentionLimit':3},'Raft':{'ElectionTick':0,'HeartbeatTick':0},
           'Dispatcher':{'HeartbeatPeriod':2000000000},'CAConfig':{},'TaskDefaults':{},'EncryptionConfig':{'AutoLockManagers':false}},
         'AutoLockManagers':false,'Availability':'','DefaultAddrPool':null,'SubnetSize':24}
        """));
    assertThat(out.toString()).isEqualTo("""
        Swarm initialized: current node (nodeid1) is now a manager.

        To add a worker to this swarm, run the following command:

            berth swarm join --token SWMTKN-1-w 10.0.0.1:2377

        To add a manager to this swarm, run 'berth swarm join-token manager' and follow the instructions.
        """);
    daemon.on("POST", "/swarm/join", "");
    daemon.on("GET", "/info", "{\"Swarm\":{\"ControlAvailable\":false}}");
    out.reset();
    assertThat(berth("swarm", "join", "--token", "SWMTKN-1-w", "--availability", "drain", "10.0.0.1:2377")).as(err.toString()).isZero();
    assertThat(ServiceCreateTest.JSON.readTree(daemon.only("POST", "/swarm/join").body())).isEqualTo(ServiceCreateTest.json("""
        {'ListenAddr':'0.0.0.0:2377','AdvertiseAddr':'','DataPathAddr':'','RemoteAddrs':['10.0.0.1:2377'],'JoinToken':'SWMTKN-1-w',
         'Availability':'drain'}
        """));
    assertThat(out.toString()).isEqualTo("This node joined a swarm as a worker.\n");
    assertThat(berth("swarm", "join", "--availability", "sometimes", "10.0.0.1:2377")).isEqualTo(1);
    assertThat(err.toString()).contains("invalid availability \"sometimes\", only active, pause and drain are supported");
  }

  @Test
  void nodeUpdateIsAReadModifyWriteWithTheVersion() throws Exception {
    daemon.on("GET", "/nodes/node2", "{\"ID\":\"nodeid2\",\"Version\":{\"Index\":9},\"Spec\":{\"Role\":\"worker\",\"Availability\":\"active\",\"Labels\":{\"old\":\"1\"}}}");
    daemon.on("POST", "/nodes/nodeid2/update", "");
    assertThat(berth("node", "update", "--availability", "drain", "--label-add", "az=1", "--label-rm", "old", "node2")).as(err.toString()).isZero();
    FakeDaemon.Request u = daemon.only("POST", "/nodes/nodeid2/update");
    assertThat(u.query()).isEqualTo("version=9");
    assertThat(ServiceCreateTest.JSON.readTree(u.body())).isEqualTo(ServiceCreateTest.json("{'Role':'worker','Availability':'drain','Labels':{'az':'1'}}"));
    out.reset();
    assertThat(berth("node", "promote", "node2")).isZero();
    assertThat(out.toString()).isEqualTo("Node node2 promoted to a manager in the swarm.\n");
    assertThat(berth("node", "update", "--label-rm", "nope", "node2")).isEqualTo(1);
    assertThat(err.toString()).contains("key nope doesn't exist in node's labels");
  }

  @Test
  void serviceLogsPrefixEachLineWithItsTask() {
    daemon.on("GET", "/services/web", "{\"ID\":\"svcweb\",\"Spec\":{\"Name\":\"web\",\"Mode\":{\"Replicated\":{\"Replicas\":10}}}}");
    daemon.on("GET", "/services/svcweb", "{\"ID\":\"svcweb\",\"Spec\":{\"Name\":\"web\"}}");
    daemon.on("GET", "/nodes/n1", "{\"ID\":\"n1\",\"Description\":{\"Hostname\":\"node1\"}}");
    daemon.on("GET", "/tasks/task0000000000000000001", "{\"ID\":\"task0000000000000000001\",\"Slot\":3}");
    String details = "com.docker.swarm.node.id=n1,com.docker.swarm.service.id=svcweb,com.docker.swarm.task.id=task0000000000000000001 ";
    daemon.on("GET", "/services/web/logs", frame(1, details + "hello\n") + frame(2, details + "oops\n"));
    assertThat(berth("service", "logs", "web")).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo("web.3.task00000000@node1     | hello\n");
    assertThat(err.toString()).isEqualTo("web.3.task00000000@node1     | oops\n");
    assertThat(daemon.only("GET", "/services/web/logs").query()).isEqualTo("details=1&stderr=1&stdout=1&tail=all");
  }

  /** One stream frame, as characters (the payloads here are ASCII and short). */
  private static String frame(int stream, String payload) {
    return "" + (char) stream + "\0\0\0\0\0\0" + (char) payload.length() + payload;
  }
}
