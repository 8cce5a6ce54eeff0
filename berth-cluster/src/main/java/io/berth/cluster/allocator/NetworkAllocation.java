package io.berth.cluster.allocator;

import io.berth.cluster.model.IpamConfig;
import io.berth.cluster.model.Network;
import io.berth.cluster.state.Plan;
import io.berth.errdefs.BerthException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each network not yet allocated its address block and VNI: the block the user asked for
 * ({@code --subnet}, {@code --ip-range}, {@code --gateway}) when it overlaps no allocated network,
 * otherwise the pool's next; ingress first (so it takes the pool's first block, 10.0.0.0/24), then
 * by age. A request that cannot be met leaves the network unallocated (the create route checked it
 * already; only a race with another create gets here) and its tasks wait, saying why.
 */
final class NetworkAllocation {
  private static final Logger LOG = LoggerFactory.getLogger(NetworkAllocation.class);
  private static final Comparator<Network> ORDER = Comparator
      .comparing((Network n) -> !n.spec().ingress())
      .thenComparing(n -> n.createdAt() == null ? Instant.EPOCH : n.createdAt())
      .thenComparing(Network::id);

  private NetworkAllocation() {}

  static void pass(Allocations a, Plan plan, Instant now) {
    List<Network> waiting = a.networks.values().stream().filter(n -> !n.allocated()).sorted(ORDER).toList();
    for (Network n : waiting) {
      if (plan.full()) {
        return;
      }
      try {
        IpamConfig block = block(a, n);
        Network done = n.withAllocation(VniPool.take(a.vnis), block, now);
        a.addNetwork(done);
        plan.update(done);
      } catch (BerthException e) {
        LOG.warn("network {} ({}) cannot be allocated: {}", n.spec().name(), n.id(), e.getMessage());
      }
    }
  }

  /** The block {@code n} gets; refused (InvalidArgument) when the one asked for overlaps an allocated network's. */
  static IpamConfig block(Allocations a, Network n) {
    List<IpamConfig> asked = n.spec().ipamOptions().configs();
    if (asked.isEmpty() || asked.getFirst().subnet().isEmpty()) {
      Cidr subnet = a.subnets.take(a.subnetsInUse(n.id()));
      return AddressSpace.Block.of(new IpamConfig(subnet.toString(), null, null)).config();
    }
    AddressSpace.Block block = AddressSpace.Block.of(asked.getFirst());
    TunnelPool.refuseOverlap(block.subnet());
    for (var e : a.allocatedSubnets.entrySet()) {
      if (e.getValue().overlaps(block.subnet())) {
        throw Overlap.of(block.subnet(), a.networks.get(e.getKey()), e.getValue().toString());
      }
    }
    return block.config();
  }
}
