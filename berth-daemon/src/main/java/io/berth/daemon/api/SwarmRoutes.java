package io.berth.daemon.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cluster.control.SwarmSpecReader;
import io.berth.daemon.swarm.SwarmDetails;
import io.berth.daemon.swarm.SwarmMembership;
import io.berth.daemon.swarm.SwarmUnavailableException;
import io.berth.daemon.swarm.SwarmUpdate;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code /swarm*}: the node's swarm lifecycle ({@code docker swarm init|join|leave|update|ca|
 * unlock|unlock-key|join-token}) over {@link SwarmMembership}. Without a membership (berthd
 * started without swarm mode) the node answers as one in no swarm.
 */
public final class SwarmRoutes {
  private final Optional<SwarmMembership> swarm;

  public SwarmRoutes(Optional<SwarmMembership> swarm) {
    this.swarm = swarm;
  }

  public void register(Router r) {
    r.add("GET", "/swarm", (q, s) -> Json.send(s, 200, details(membership().inspect())));
    r.add("POST", "/swarm/init", this::init);
    r.add("POST", "/swarm/join", this::join);
    r.add("POST", "/swarm/leave", (q, s) -> {
      membership().leave(q.flag("force"));
      s.send(200, null, new byte[0]);
    });
    r.add("POST", "/swarm/update", this::update);
    r.add("GET", "/swarm/unlockkey", (q, s) ->
        Json.send(s, 200, Json.object().put("UnlockKey", membership().unlockKey())));
    r.add("POST", "/swarm/unlock", this::unlock);
  }

  private SwarmMembership membership() {
    return swarm.orElseThrow(() -> new SwarmUnavailableException(
        "swarm mode is not available: this berthd runs without it"));
  }

  private void init(HttpRequest q, HttpResponse s) throws IOException {
    String nodeId = membership().init(ClusterRequests.init(Json.body(q)));
    Json.send(s, 200, nodeId);
  }

  private void join(HttpRequest q, HttpResponse s) throws IOException {
    membership().join(ClusterRequests.join(Json.body(q)));
    s.send(200, null, new byte[0]);
  }

  /**
   * The CLI reads the swarm, changes its spec and sends it back whole with the version read;
   * {@code swarm ca --rotate} adds one to {@code CAConfig.ForceRotate}, which is shown as 0.
   */
  private void update(HttpRequest q, HttpResponse s) throws IOException {
    long version = ClusterRequests.version(q.query("version"), "swarm");
    ObjectNode body = Json.body(q);
    long keyRotation = body == null ? -1 : ClusterRequests.updateKeyRotation(body);
    SwarmMembership m = membership();
    SwarmSpecReader.Read read = SwarmSpecReader.read(body, m.inspect().cluster().spec());
    m.update(new SwarmUpdate(version, read.spec(), q.flag("rotateWorkerToken"), q.flag("rotateManagerToken"),
        q.flag("rotateManagerUnlockKey"), read.forceRotate() > 0, keyRotation));
    s.send(200, null, new byte[0]);
  }

  private void unlock(HttpRequest q, HttpResponse s) throws IOException {
    ObjectNode body = Json.body(q);
    String key = body.path("UnlockKey").asText("");
    if (key.isEmpty()) {
      throw new InvalidArgumentException("swarm unlock: UnlockKey is required");
    }
    membership().unlock(key);
    s.send(200, null, new byte[0]);
  }

  /** Docker's Swarm object: the cluster with its join tokens. */
  static ObjectNode details(SwarmDetails d) {
    ObjectNode o = SwarmJson.cluster(d.cluster());
    o.putObject("JoinTokens").put("Worker", d.workerToken()).put("Manager", d.managerToken());
    return o;
  }
}
