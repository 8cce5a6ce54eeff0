package io.berth.cluster.scheduler;

import io.berth.cluster.model.Platform;
import java.util.List;

/**
 * A node must run one of the platforms the service's image supports (empty list: any). An
 * empty architecture or OS in the list matches any; x86_64 and amd64, aarch64 and arm64 are one.
 */
public final class PlatformFilter implements NodeFilter {
  @Override
  public Check prepare(TaskGroup group) {
    List<Platform> supported = group.placement().platforms();
    if (supported.isEmpty()) {
      return null;
    }
    return n -> {
      Platform p = n.node().description().platform();
      for (Platform s : supported) {
        if (matches(s, p)) {
          return true;
        }
      }
      return false;
    };
  }

  static boolean matches(Platform wanted, Platform node) {
    String arch = wanted.normalizedArchitecture();
    String os = wanted.os() == null ? "" : wanted.os();
    return (arch.isEmpty() || arch.equals(node.normalizedArchitecture()))
        && (os.isEmpty() || os.equals(node.os()));
  }

  @Override
  public boolean changesWithPlacements() {
    return false;
  }

  @Override
  public String explain(int nodes) {
    return "unsupported platform on " + NodeFilter.nodes(nodes);
  }
}
