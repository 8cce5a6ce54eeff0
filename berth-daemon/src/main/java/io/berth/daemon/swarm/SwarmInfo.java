package io.berth.daemon.swarm;

import io.berth.cluster.model.Cluster;
import java.util.List;
import java.util.Optional;

/**
 * {@code /info}'s Swarm section (Docker's swarm.Info). {@code nodes}, {@code managers} and
 * {@code cluster} are known on a manager only (Docker leaves them out on a worker).
 *
 * @param nodeId this node's id, empty when inactive
 * @param nodeAddr the address this node advertises, empty when inactive
 * @param error why the node is in the error state, else empty
 * @param remoteManagers the managers this node knows, as Docker's {@code [{NodeID, Addr}]}
 */
public record SwarmInfo(
    String nodeId,
    String nodeAddr,
    LocalNodeState localNodeState,
    boolean controlAvailable,
    String error,
    List<Peer> remoteManagers,
    int nodes,
    int managers,
    Optional<Cluster> cluster) {
  /** A manager as {@code RemoteManagers} lists it. */
  public record Peer(String nodeId, String addr) {}

  public static final SwarmInfo INACTIVE =
      new SwarmInfo("", "", LocalNodeState.INACTIVE, false, "", List.of(), 0, 0, Optional.empty());

  public SwarmInfo {
    nodeId = nodeId == null ? "" : nodeId;
    nodeAddr = nodeAddr == null ? "" : nodeAddr;
    error = error == null ? "" : error;
    remoteManagers = remoteManagers == null ? List.of() : List.copyOf(remoteManagers);
    cluster = cluster == null ? Optional.empty() : cluster;
  }
}
