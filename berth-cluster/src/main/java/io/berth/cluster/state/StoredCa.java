package io.berth.cluster.state;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.cluster.ca.CaState;
import io.berth.cluster.ca.JoinTokens;
import io.berth.cluster.model.Version;
import io.berth.errdefs.InvalidArgumentException;

/**
 * What the managers keep at {@code ca/default}: the CA's keys and certificates and the two join
 * tokens. They live together because they change together (a root rotation's end regenerates the
 * tokens, whose digest names the root) and because only managers may read them: the
 * {@code cluster} object, which every API caller sees, carries the root certificate alone.
 * {@code swarm init} writes it; the dispatcher reads it to admit joins and sign certificates.
 */
public record StoredCa(
    @JsonProperty("Version") Version version,
    @JsonProperty("CAState") CaState caState,
    @JsonProperty("JoinTokens") JoinTokens joinTokens) {
  public StoredCa {
    if (caState == null) {
      throw new InvalidArgumentException("the stored CA needs its CA state");
    }
    if (joinTokens == null || joinTokens.worker() == null || joinTokens.manager() == null) {
      throw new InvalidArgumentException("the stored CA needs a worker and a manager join token");
    }
    version = version == null ? Version.ZERO : version;
  }

  /** A first record (before it is stored), e.g. at {@code swarm init}. */
  public static StoredCa of(CaState caState, JoinTokens joinTokens) {
    return new StoredCa(null, caState, joinTokens);
  }

  public StoredCa withCaState(CaState value) {
    return new StoredCa(version, value, joinTokens);
  }

  public StoredCa withJoinTokens(JoinTokens value) {
    return new StoredCa(version, caState, value);
  }
}
