package io.berth.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.model.Cluster;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.model.NodeSpec;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.NodeStatus;
import io.berth.cluster.model.SwarmSpec;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.cluster.state.ClusterState;
import io.berth.daemon.swarm.InitRequest;
import io.berth.daemon.swarm.JoinRequest;
import io.berth.daemon.swarm.LocalNodeState;
import io.berth.daemon.swarm.SwarmDetails;
import io.berth.daemon.swarm.SwarmInfo;
import io.berth.daemon.swarm.SwarmMembership;
import io.berth.daemon.swarm.SwarmUpdate;
import io.berth.daemon.swarm.ServiceLogs;
import io.berth.daemon.swarm.SwarmUnavailableException;
import io.berth.http.HttpConnectionProbe;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The cluster endpoints with the docker CLI's exact requests, over the real cluster store (in
 * memory) and a membership that stands for this node's state: what a manager, a worker and a node
 * in no swarm answer, the texts and codes Docker gives.
 */
class ClusterRoutesTest {
  private static final Instant AT = Instant.parse("2026-12-06T10:00:00Z");
  private final ClusterState state = new ClusterState(new MemoryClusterStore());
  private final Member member = new Member();

  /** This node's membership as the routes see it: a manager unless told otherwise. */
  private final class Member implements SwarmMembership {
    LocalNodeState local = LocalNodeState.ACTIVE;
    boolean manager = true;
    final List<SwarmUpdate> updates = new ArrayList<>();
    InitRequest init;

    @Override
    public String init(InitRequest request) {
      init = request;
      return "node1";
    }

    @Override
    public void join(JoinRequest request) {}

    @Override
    public void leave(boolean force) {}

    @Override
    public SwarmDetails inspect() {
      return new SwarmDetails(requireManager().cluster().orElseThrow(), "SWMTKN-1-w", "SWMTKN-1-m");
    }

    @Override
    public void update(SwarmUpdate update) {
      updates.add(update);
    }

    @Override
    public String unlockKey() {
      return "SWMKEY-1-k";
    }

    @Override
    public void unlock(String key) {}

    @Override
    public SwarmInfo info() {
      return new SwarmInfo("node1", "10.0.0.1", local, manager, "", List.of(), 1, 1, Optional.empty());
    }

    @Override
    public Optional<ClusterState> managerState() {
      return manager && local == LocalNodeState.ACTIVE ? Optional.of(state) : Optional.empty();
    }
  }

  private Router router(Optional<SwarmMembership> swarm) {
    Router r = new Router();
    new SwarmRoutes(swarm).register(r);
    new NodeRoutes(swarm, Clock.systemUTC()).register(r);
    new ServiceRoutes(swarm, Clock.systemUTC()).register(r);
    new ServiceLogRoutes(swarm, Optional.empty(), Clock.systemUTC()).register(r);
    new TaskRoutes(swarm, Clock.systemUTC()).register(r);
    return r;
  }

  private ClusterRoutesTest() {
    state.batch().create(new Cluster("c1", null, AT, AT, SwarmSpec.defaults(), null, false))
        .create(new Node("node1", null, AT, AT, new NodeSpec(null, null, NodeRole.MANAGER, null),
            new NodeDescription("alpha", null, null, null), new NodeStatus(NodeState.READY, "", "10.0.0.1")))
        .apply();
  }

  private static String call(Router r, String method, String path, String body, String... headers) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    StringBuilder req = new StringBuilder(method + " /v1.47" + path + " HTTP/1.1\r\nHost: x\r\n");
    for (String h : headers) {
      req.append(h).append("\r\n");
    }
    req.append("Content-Type: application/json\r\nContent-Length: ").append(b.length).append("\r\n\r\n").append(body);
    return HttpConnectionProbe.call(r, req.toString());
  }

  @Test
  void aNodeInNoSwarmAnswersWithDockers503() {
    member.local = LocalNodeState.INACTIVE;
    member.manager = false;
    for (String path : List.of("/swarm", "/services", "/nodes", "/tasks")) {
      assertThat(call(router(Optional.of(member)), "GET", path, "")).startsWith("HTTP/1.1 503")
          .contains("This node is not a swarm manager. Use \\\"docker swarm init\\\" or \\\"docker swarm join\\\"");
    }
    assertThat(call(router(Optional.empty()), "GET", "/services", "")).startsWith("HTTP/1.1 503")
        .contains("docker swarm init");
  }

  @Test
  void aWorkerSendsTheUserToAManager() {
    member.manager = false;
    assertThat(call(router(Optional.of(member)), "GET", "/nodes", "")).startsWith("HTTP/1.1 503")
        .contains("Worker nodes can't be used to view or modify cluster state");
  }

  @Test
  void servicesAreCreatedListedUpdatedAndRemovedAsTheCliDoes() throws Exception {
    Router r = router(Optional.of(member));
    String created = call(r, "POST", "/services/create", CliBodies.SERVICE_CREATE, "X-Registry-Auth: e30=");
    assertThat(created).startsWith("HTTP/1.1 201").contains("\"ID\":\"");
    assertThat(call(r, "POST", "/services/create", CliBodies.SERVICE_CREATE)).startsWith("HTTP/1.1 409")
        .contains("name conflicts with an existing object: service web already exists");

    String listed = call(r, "GET", "/services?status=true&filters=%7B%22name%22%3A%7B%22web%22%3Atrue%7D%7D", "");
    assertThat(listed).startsWith("HTTP/1.1 200").contains("\"Name\":\"web\"")
        .contains("\"ServiceStatus\":{\"RunningTasks\":0,\"DesiredTasks\":2,\"CompletedTasks\":0}");
    String inspected = call(r, "GET", "/services/web?insertDefaults=false", "");
    assertThat(inspected).contains("\"Replicas\":2").doesNotContain("PullOptions").doesNotContain("e30=");
    long version = Json.MAPPER.readTree(inspected.substring(inspected.indexOf("\r\n\r\n") + 4))
        .path("Version").path("Index").asLong();

    String scaled = CliBodies.SERVICE_CREATE.replace("\"Replicas\":2", "\"Replicas\":3");
    assertThat(call(r, "POST", "/services/web/update?version=" + version, scaled)).startsWith("HTTP/1.1 200");
    assertThat(call(r, "POST", "/services/web/update?version=" + version, scaled)).startsWith("HTTP/1.1 409")
        .contains("update out of sequence");
    assertThat(state.services().getFirst().spec().taskTemplate().containerSpec().registryAuth()).isEqualTo("e30=");
    assertThat(call(r, "POST", "/services/web/update?version=x", scaled)).startsWith("HTTP/1.1 400")
        .contains("invalid service version 'x'");

    assertThat(call(r, "DELETE", "/services/web", "")).startsWith("HTTP/1.1 200");
    assertThat(call(r, "GET", "/services/web", "")).startsWith("HTTP/1.1 404").contains("service web not found");
  }

  @Test
  void refusesWhatBerthDoesNotHonourByName() {
    Router r = router(Optional.of(member));
    String cred = CliBodies.SERVICE_CREATE.replace("\"Init\":false",
        "\"Init\":false,\"Privileges\":{\"CredentialSpec\":{\"File\":\"spec.json\"}}");
    assertThat(call(r, "POST", "/services/create", cred)).startsWith("HTTP/1.1 400")
        .contains("TaskTemplate.ContainerSpec.Privileges is not supported by Berth yet (--credential-spec");
    assertThat(state.services()).isEmpty();
    assertThat(call(r, "GET", "/services?filters=%7B%22colour%22%3A%5B%22red%22%5D%7D", ""))
        .startsWith("HTTP/1.1 400").contains("invalid filter 'colour'");
    assertThat(call(r, "GET", "/services/x/logs?stdout=1", "")).startsWith("HTTP/1.1 404");
  }

  @Test
  void nodesAreUpdatedFromTheVersionRead() {
    Router r = router(Optional.of(member));
    long version = state.node("node1").orElseThrow().version().index();
    assertThat(call(r, "POST", "/nodes/alpha/update?version=" + version,
        "{\"Labels\":{\"zone\":\"a\"},\"Role\":\"manager\",\"Availability\":\"drain\"}")).startsWith("HTTP/1.1 200");
    assertThat(call(r, "GET", "/nodes?filters=%7B%22node.label%22%3A%5B%22zone%3Da%22%5D%7D", ""))
        .contains("\"Availability\":\"drain\"").contains("\"Hostname\":\"alpha\"");
    assertThat(call(r, "DELETE", "/nodes/alpha?force=1", "")).startsWith("HTTP/1.1 400")
        .contains("must be demoted to worker before removal");
    assertThat(call(r, "GET", "/nodes/nope", "")).startsWith("HTTP/1.1 404").contains("node nope not found");
  }

  @Test
  void swarmInitAndUpdateCarryWhatTheCliSends() {
    Router r = router(Optional.of(member));
    assertThat(call(r, "POST", "/swarm/init", CliBodies.SWARM_INIT_AUTOLOCK)).startsWith("HTTP/1.1 200")
        .contains("\"node1\"");
    assertThat(member.init.autoLockManagers()).isTrue();
    assertThat(member.init.listenAddr()).isEqualTo("10.1.2.3:2377");
    assertThat(member.init.spec().orchestration().taskHistoryRetentionLimit()).isEqualTo(3);
    assertThat(call(r, "POST", "/swarm/init", CliBodies.SWARM_INIT_AUTOLOCK.replace("\"DataPathPort\":0",
        "\"DataPathPort\":4790"))).startsWith("HTTP/1.1 400").contains("DataPathPort (--data-path-port)");

    assertThat(call(r, "GET", "/swarm", "")).contains("\"JoinTokens\":{\"Worker\":\"SWMTKN-1-w\"");
    assertThat(call(r, "POST", "/swarm/update?rotateManagerToken=false&rotateManagerUnlockKey=false"
        + "&rotateWorkerToken=true&version=5", CliBodies.SWARM_CA_ROTATE)).startsWith("HTTP/1.1 200");
    SwarmUpdate u = member.updates.getFirst();
    assertThat(u.version()).isEqualTo(5);
    assertThat(u.rotateWorkerToken()).isTrue();
    assertThat(u.rotateManagerToken()).isFalse();
    assertThat(u.rotateRootCa()).isTrue();
    assertThat(u.networkKeyRotation()).as("the docker CLI's update keeps the key rotation period").isEqualTo(-1);
    // berth swarm update --network-key-rotation 2s: Berth's field beside the spec's
    String withRotation = CliBodies.SWARM_CA_ROTATE.replaceFirst("\\{", "{\"NetworkKeyRotation\":2000000000,");
    assertThat(call(r, "POST", "/swarm/update?version=6", withRotation)).startsWith("HTTP/1.1 200");
    assertThat(member.updates.getLast().networkKeyRotation()).isEqualTo(2_000_000_000L);
    assertThat(call(r, "POST", "/swarm/update?version=6", withRotation.replace("2000000000", "5")))
        .startsWith("HTTP/1.1 400").contains("swarm update: NetworkKeyRotation must be a duration in nanoseconds");
    assertThat(call(r, "GET", "/swarm/unlockkey", "")).contains("{\"UnlockKey\":\"SWMKEY-1-k\"}");
  }

  @Test
  void serviceLogsCarryTheSwarmDetailsAndAFailureWhileStreamingIsDockersInStreamError() throws Exception {
    Router r = router(Optional.of(member));
    String created = call(r, "POST", "/services/create", CliBodies.SERVICE_CREATE);
    String id = Json.MAPPER.readTree(created.substring(created.indexOf("\r\n\r\n") + 4)).path("ID").asText();
    ServiceLogs lines = (request, sink) -> {
      sink.accept(new ServiceLogs.Line("node1", "task1", false, AT, "hello\n".getBytes(StandardCharsets.UTF_8)));
      sink.caughtUp();
    };
    Router withLogs = new Router();
    new ServiceLogRoutes(Optional.of(member), Optional.of(lines), Clock.systemUTC()).register(withLogs);
    assertThat(call(withLogs, "GET", "/services/web/logs?stdout=1&stderr=1&details=1", ""))
        .startsWith("HTTP/1.1 200").contains("application/vnd.docker.multiplexed-stream")
        .contains("com.docker.swarm.node.id=node1,com.docker.swarm.service.id=" + id
            + ",com.docker.swarm.task.id=task1 hello");

    ServiceLogs refusing = (request, sink) -> {
      throw new SwarmUnavailableException("service logs: task t9 ran on node n9");
    };
    Router refused = new Router();
    new ServiceLogRoutes(Optional.of(member), Optional.of(refusing), Clock.systemUTC()).register(refused);
    // the stream has begun (the connection is taken over to notice a client that leaves), so a
    // failure is told in it as Docker tells one: a system-error frame the CLI prints as
    // "error from daemon in stream: Error grabbing logs: ..."
    assertThat(call(refused, "GET", "/services/web/logs?stdout=1", "")).startsWith("HTTP/1.1 200")
        .contains("Error grabbing logs: service logs: task t9 ran on node n9");
    assertThat(call(refused, "GET", "/services/web/logs", "")).startsWith("HTTP/1.1 400")
        .contains("you must choose at least one stream");
  }

  /** Request bodies recorded from docker CLI 28.2.2. */
  @Test
  void swarmInitTakesTheAddressPoolAndBerthsPortRange() {
    Router r = router(Optional.of(member));
    assertThat(call(r, "POST", "/swarm/init", CliBodies.SWARM_INIT_POOL)).startsWith("HTTP/1.1 200");
    assertThat(member.init.defaultAddrPool()).containsExactly("10.40.0.0/16");
    assertThat(member.init.subnetSize()).isEqualTo(26);
    assertThat(member.init.publishedPortRange()).isNull();
    assertThat(call(r, "POST", "/swarm/init", CliBodies.SWARM_INIT_POOL.replace("\"SubnetSize\":26",
        "\"SubnetSize\":26,\"PublishedPortRange\":\"20000-20099\""))).startsWith("HTTP/1.1 200");
    assertThat(member.init.publishedPortRange()).hasToString("20000-20099");
    assertThat(member.init.networkKeyRotation()).isZero();
    assertThat(call(r, "POST", "/swarm/init", CliBodies.SWARM_INIT_POOL.replace("\"SubnetSize\":26",
        "\"SubnetSize\":26,\"NetworkKeyRotation\":60000000000"))).startsWith("HTTP/1.1 200");
    assertThat(member.init.networkKeyRotation()).isEqualTo(60_000_000_000L);
    assertThat(call(r, "POST", "/swarm/init", CliBodies.SWARM_INIT_POOL.replace("\"SubnetSize\":26",
        "\"SubnetSize\":26,\"NetworkKeyRotation\":5"))).startsWith("HTTP/1.1 400")
        .contains("NetworkKeyRotation must be a duration in nanoseconds of at least 1s");
    assertThat(call(r, "POST", "/swarm/init", CliBodies.SWARM_INIT_POOL.replace("10.40.0.0/16", "10.40.0.0/27")))
        .startsWith("HTTP/1.1 400").contains("invalid subnet size 26 for address pool 10.40.0.0/27");
  }

  @Test
  void overlayNetworksAndServicesOnThemAsTheCliSendsThem() throws Exception {
    ClusterNetworks networks = new ClusterNetworks(Optional.of(member), Clock.systemUTC(), java.time.Duration.ZERO);
    networks.create(new io.berth.cluster.model.NetworkSpec("ingress", null, null, false, false, true, null, null));
    var front = networks.create(ClusterNetworkJson.spec((com.fasterxml.jackson.databind.node.ObjectNode)
        Json.MAPPER.readTree(CliBodies.NETWORK_CREATE)));
    assertThat(front.spec().encrypted()).isTrue();
    assertThat(front.spec().ipamOptions().configs().getFirst().range()).isEqualTo("10.31.0.128/25");
    assertThat(ClusterNetworkJson.view(front).path("Scope").asText()).isEqualTo("swarm");

    Router r = router(Optional.of(member));
    String body = CliBodies.SERVICE_CREATE_NETWORK.replace("0n6sl7et4j86x5ujnw9g9fc33", front.id());
    assertThat(call(r, "POST", "/services/create", body)).startsWith("HTTP/1.1 201");
    assertThat(state.services().getFirst().spec().taskTemplate().networks().getFirst().aliases()).containsExactly("www");
    assertThat(call(r, "POST", "/services/create", body.replace("\"Name\":\"web\"", "\"Name\":\"web2\"")))
        .startsWith("HTTP/1.1 400").contains("port '8081' is already in use by service 'web' (");

    member.manager = false;
    assertThatThrownBy(() -> networks.create(new io.berth.cluster.model.NetworkSpec("w", null, null, false, false,
        false, null, null))).isInstanceOf(io.berth.errdefs.ForbiddenException.class)
        .hasMessage("Cannot create a multi-host network from a worker node. Please create the network from a manager node.");
  }

  static final class CliBodies {
    /** {@code docker swarm init --advertise-addr 127.0.0.1 --default-addr-pool 10.40.0.0/16 --default-addr-pool-mask-length 26} */
    static final String SWARM_INIT_POOL = """
        {"ListenAddr":"127.0.0.1:23771","AdvertiseAddr":"127.0.0.1","DataPathAddr":"","DataPathPort":0,\
        "ForceNewCluster":false,"Spec":{"Labels":null,"Orchestration":{},"Raft":{"ElectionTick":0,"HeartbeatTick":0},\
        "Dispatcher":{},"CAConfig":{},"TaskDefaults":{},"EncryptionConfig":{"AutoLockManagers":false}},\
        "AutoLockManagers":false,"Availability":"","DefaultAddrPool":["10.40.0.0/16"],"SubnetSize":26}""";
    /** {@code docker network create -d overlay --attachable --subnet 10.31.0.0/24 --gateway 10.31.0.254 --ip-range 10.31.0.128/25 --opt encrypted front} */
    static final String NETWORK_CREATE = """
        {"Driver":"overlay","Scope":"","IPAM":{"Driver":"default","Options":{},"Config":[{"Subnet":"10.31.0.0/24",\
        "IPRange":"10.31.0.128/25","Gateway":"10.31.0.254"}]},"Internal":false,"Attachable":true,"Ingress":false,\
        "ConfigOnly":false,"ConfigFrom":null,"Options":{"encrypted":""},"Labels":{},"Name":"front"}""";
    /**
     * {@code docker service create --name web --network name=front,alias=www -p 8081:80 -p 80
     * -p mode=host,target=80,published=8082 --endpoint-mode vip it/busybox:1 sleep 1d} (the CLI resolved front to its id)
     */
    static final String SERVICE_CREATE_NETWORK = """
        {"Name":"web","Labels":{},"TaskTemplate":{"ContainerSpec":{"Image":"it/busybox:1","Args":["sleep","1d"],\
        "Init":false,"DNSConfig":{}},"Resources":{"Limits":{},"Reservations":{}},"Placement":{},\
        "Networks":[{"Target":"0n6sl7et4j86x5ujnw9g9fc33","Aliases":["www"]}],"ForceUpdate":0},\
        "Mode":{"Replicated":{}},"EndpointSpec":{"Mode":"vip","Ports":[{"Protocol":"tcp","TargetPort":80,\
        "PublishedPort":8081,"PublishMode":"ingress"},{"Protocol":"tcp","TargetPort":80,"PublishMode":"ingress"},\
        {"Protocol":"tcp","TargetPort":80,"PublishedPort":8082,"PublishMode":"host"}]}}""";
    /** {@code docker service create --name web --replicas 2 busybox:1 sleep 1d} */
    static final String SERVICE_CREATE = """
        {"Name":"web","Labels":{},"TaskTemplate":{"ContainerSpec":{"Image":"busybox:1","Args":["sleep","1d"],\
        "Init":false,"DNSConfig":{}},"Resources":{"Limits":{},"Reservations":{}},"Placement":{},"ForceUpdate":0},\
        "Mode":{"Replicated":{"Replicas":2}},"EndpointSpec":{"Mode":"vip"}}""";
    /** {@code docker swarm init --advertise-addr 10.1.2.3 --listen-addr 10.1.2.3:2377 --autolock --task-history-limit 3} */
    static final String SWARM_INIT_AUTOLOCK = """
        {"ListenAddr":"10.1.2.3:2377","AdvertiseAddr":"10.1.2.3","DataPathAddr":"","DataPathPort":0,\
        "ForceNewCluster":false,"Spec":{"Labels":null,"Orchestration":{"TaskHistoryRetentionLimit":3},\
        "Raft":{"ElectionTick":0,"HeartbeatTick":0},"Dispatcher":{},"CAConfig":{},"TaskDefaults":{},\
        "EncryptionConfig":{"AutoLockManagers":true}},"AutoLockManagers":true,"Availability":"","DefaultAddrPool":[],\
        "SubnetSize":24}""";
    /** {@code docker swarm ca --rotate}: the spec read back with ForceRotate one more. */
    static final String SWARM_CA_ROTATE = """
        {"Name":"default","Labels":{},"Orchestration":{"TaskHistoryRetentionLimit":5},"Raft":{"ElectionTick":0,\
        "HeartbeatTick":0},"Dispatcher":{"HeartbeatPeriod":5000000000},"CAConfig":{"NodeCertExpiry":7776000000000000,\
        "ForceRotate":1},"TaskDefaults":{},"EncryptionConfig":{"AutoLockManagers":false}}""";
  }
}
