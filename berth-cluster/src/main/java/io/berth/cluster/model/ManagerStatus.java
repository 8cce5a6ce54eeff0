package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A manager's place in the control plane (Docker's Node.ManagerStatus; workers have none): the
 * address other nodes reach its dispatcher at, which is how nodes learn where the managers are,
 * and whether it is reachable. Who leads is Raft's to say: the leader marks itself (and the
 * others not) as one of its duties, so the mark follows an election within a pass.
 */
public record ManagerStatus(
    @JsonProperty("Leader") boolean leader,
    @JsonProperty("Reachability") Reachability reachability,
    @JsonProperty("Addr") String addr) {
  public ManagerStatus {
    reachability = reachability == null ? Reachability.UNKNOWN : reachability;
    addr = addr == null ? "" : addr;
  }

  public ManagerStatus withLeader(boolean value) {
    return new ManagerStatus(value, reachability, addr);
  }

  /** Docker's reachability of a manager. */
  public enum Reachability implements WireName {
    UNKNOWN("unknown"),
    UNREACHABLE("unreachable"),
    REACHABLE("reachable");

    private final String wire;

    Reachability(String wire) {
      this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
      return wire;
    }
  }
}
