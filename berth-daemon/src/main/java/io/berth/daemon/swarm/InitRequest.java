package io.berth.daemon.swarm;

import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.PortRange;
import io.berth.cluster.model.SwarmSpec;
import java.util.List;

/**
 * {@code POST /swarm/init} (Docker's SwarmInitRequest). The route has refused what Berth does not
 * honour: a data path address or port, and spec fields outside {@link SwarmSpec}.
 *
 * @param listenAddr where the dispatcher listens, {@code host:port} (Docker's default {@code 0.0.0.0:2377})
 * @param advertiseAddr the address other nodes reach this one at; empty to pick the listen address
 *     or the host's one address (Docker refuses when that is ambiguous)
 * @param dataPathAddr always empty (refused otherwise)
 * @param dataPathPort 0 (Docker's default 4789; refused otherwise)
 * @param defaultAddrPool where cluster networks take their subnets ({@code --default-addr-pool}),
 *     empty for Docker's 10.0.0.0/8
 * @param subnetSize the size of those subnets ({@code --default-addr-pool-mask-length}), 0 for 24
 * @param publishedPortRange Berth's {@code PublishedPortRange} (null: Docker's 30000-32767)
 * @param networkKeyRotation Berth's {@code NetworkKeyRotation} in nanoseconds (0: 12 hours)
 * @param forceNewCluster {@code --force-new-cluster}: a one-manager swarm from this manager's state
 * @param spec the swarm's settings, defaults filled in
 * @param autoLockManagers {@code --autolock}
 * @param availability this node's availability (default active)
 */
public record InitRequest(
    String listenAddr,
    String advertiseAddr,
    String dataPathAddr,
    int dataPathPort,
    List<String> defaultAddrPool,
    int subnetSize,
    boolean forceNewCluster,
    SwarmSpec spec,
    boolean autoLockManagers,
    NodeAvailability availability,
    PortRange publishedPortRange,
    long networkKeyRotation) {
  public static final String DEFAULT_LISTEN_ADDR = "0.0.0.0:2377";

  public InitRequest {
    listenAddr = listenAddr == null || listenAddr.isEmpty() ? DEFAULT_LISTEN_ADDR : listenAddr;
    advertiseAddr = advertiseAddr == null ? "" : advertiseAddr;
    dataPathAddr = dataPathAddr == null ? "" : dataPathAddr;
    defaultAddrPool = defaultAddrPool == null ? List.of() : List.copyOf(defaultAddrPool);
    spec = spec == null ? SwarmSpec.defaults() : spec;
    availability = availability == null ? NodeAvailability.ACTIVE : availability;
  }
}
