package io.berth.cluster.allocator;

import io.berth.cluster.model.Network;
import io.berth.errdefs.InvalidArgumentException;

/**
 * The refusal of a subnet that overlaps another cluster network's, one text for the create route
 * (which checks before writing) and the allocator (which meets a create that raced another).
 */
public final class Overlap {
  private Overlap() {}

  public static InvalidArgumentException of(Cidr subnet, Network other, String otherSubnet) {
    return new InvalidArgumentException("invalid pool request: Pool overlaps with other one on this address space: "
        + subnet + " overlaps network " + other.spec().name() + " (" + otherSubnet + ")");
  }
}
