package io.berth.cluster.allocator;

import io.berth.errdefs.UnavailableException;
import java.util.Set;

/**
 * VXLAN ids (VNIs) for overlay networks, unique in the swarm: the lowest free one from 4097 up,
 * as Docker's overlay driver hands them out (4096 and below are left to other uses), up to the
 * 24-bit maximum.
 */
public final class VniPool {
  public static final int FIRST = 4097;
  public static final int LAST = (1 << 24) - 1;

  private VniPool() {}

  public static int take(Set<Integer> used) {
    for (int v = FIRST; v <= LAST; v++) {
      if (!used.contains(v)) {
        return v;
      }
    }
    throw new UnavailableException("no VXLAN id left for a new overlay network");
  }
}
