package io.berth.daemon.swarm;

import io.berth.cluster.model.NodeAvailability;
import java.util.List;

/**
 * {@code POST /swarm/join} (Docker's SwarmJoinRequest): the token decides the role (worker or
 * manager) and pins the cluster's CA (its digest is in {@code SWMTKN-1-<digest>-<secret>}).
 *
 * @param listenAddr where this node's dispatcher would listen if it is or becomes a manager
 * @param advertiseAddr the address other nodes reach this one at; empty to pick
 * @param dataPathAddr always empty (refused otherwise: no overlay network yet)
 * @param remoteAddrs managers to join through, {@code host:port}; at least one
 * @param joinToken the worker or manager token
 * @param availability this node's availability (default active)
 */
public record JoinRequest(
    String listenAddr,
    String advertiseAddr,
    String dataPathAddr,
    List<String> remoteAddrs,
    String joinToken,
    NodeAvailability availability) {
  public JoinRequest {
    listenAddr = listenAddr == null || listenAddr.isEmpty() ? InitRequest.DEFAULT_LISTEN_ADDR : listenAddr;
    advertiseAddr = advertiseAddr == null ? "" : advertiseAddr;
    dataPathAddr = dataPathAddr == null ? "" : dataPathAddr;
    remoteAddrs = remoteAddrs == null ? List.of() : List.copyOf(remoteAddrs);
    joinToken = joinToken == null ? "" : joinToken;
    availability = availability == null ? NodeAvailability.ACTIVE : availability;
  }
}
