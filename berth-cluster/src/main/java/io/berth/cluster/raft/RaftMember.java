package io.berth.cluster.raft;

import io.berth.errdefs.InvalidArgumentException;

/**
 * A manager in the Raft group: its id (the swarm node id) and the {@code host:port} the other
 * managers reach its Raft transport at.
 */
public record RaftMember(String id, String address) {
  public RaftMember {
    if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
      throw new InvalidArgumentException("invalid raft member id \"" + id + "\": letters, digits, '_', '.', '-'");
    }
    if (address == null || !address.matches(".+:[0-9]{1,5}")) {
      throw new InvalidArgumentException(
          "invalid raft address \"" + address + "\" for member " + id + ": want host:port");
    }
  }
}
