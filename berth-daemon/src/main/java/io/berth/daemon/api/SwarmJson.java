package io.berth.daemon.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cluster.model.Cluster;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.Task;
import io.berth.daemon.swarm.LocalNodeState;
import io.berth.daemon.swarm.SwarmInfo;

/**
 * The swarm's objects in Docker's JSON: {@code /info}'s Swarm section, the {@code /_ping} Swarm
 * header and the cluster object. Cluster objects are written with the cluster model's mapper
 * (Docker's field names, RFC 3339 times, nulls left out), the way they are stored.
 */
final class SwarmJson {
  private SwarmJson() {}

  /** Docker's swarm.Info: Nodes, Managers and Cluster only on a manager (the CLI reads Cluster when ControlAvailable). */
  static ObjectNode info(SwarmInfo info) {
    ObjectNode o = Json.object();
    o.put("NodeID", info.nodeId());
    o.put("NodeAddr", info.nodeAddr());
    o.put("LocalNodeState", info.localNodeState().wire());
    o.put("ControlAvailable", info.controlAvailable());
    o.put("Error", info.error());
    if (info.remoteManagers().isEmpty()) {
      o.putNull("RemoteManagers");
    } else {
      ArrayNode peers = o.putArray("RemoteManagers");
      info.remoteManagers().forEach(p -> peers.addObject().put("NodeID", p.nodeId()).put("Addr", p.addr()));
    }
    if (info.nodes() > 0) {
      o.put("Nodes", info.nodes());
    }
    if (info.managers() > 0) {
      o.put("Managers", info.managers());
    }
    info.cluster().ifPresent(c -> o.set("Cluster", cluster(c)));
    return o;
  }

  /** The {@code Swarm} header of {@code /_ping}: the state, with {@code /manager} or {@code /worker} when active. */
  static String pingHeader(SwarmInfo info) {
    if (info.localNodeState() != LocalNodeState.ACTIVE) {
      return info.localNodeState().wire();
    }
    return "active/" + (info.controlAvailable() ? "manager" : "worker");
  }

  static ObjectNode cluster(Cluster c) {
    return model(c);
  }

  /** Any cluster model object as the tree Docker's clients read. */
  static ObjectNode model(Object value) {
    return io.berth.oci.Json.MAPPER.valueToTree(value);
  }

  /**
   * A service as Docker shows it: its endpoint as the allocator wrote it (published ports filled in,
   * virtual IPs), or only the spec before; the registry credentials of its pull options never
   * leave the managers.
   */
  static ObjectNode service(Service svc) {
    ObjectNode o = model(svc);
    stripPullOptions(o.path("Spec").path("TaskTemplate").path("ContainerSpec"));
    if (!o.path("Endpoint").isObject()) {
      o.putObject("Endpoint").set("Spec", o.path("Spec").path("EndpointSpec").deepCopy());
    }
    return o;
  }

  /** A task as Docker shows it, without its pull credentials. */
  static ObjectNode task(Task t) {
    ObjectNode o = model(t);
    stripPullOptions(o.path("Spec").path("ContainerSpec"));
    return o;
  }

  private static void stripPullOptions(com.fasterxml.jackson.databind.JsonNode containerSpec) {
    if (containerSpec instanceof ObjectNode c) {
      c.remove("PullOptions");
    }
  }
}
