package io.berth.cluster.network;

import io.berth.cluster.model.NetworkAttachmentConfig;
import io.berth.cluster.model.Task;
import io.berth.cluster.network.NetworkView.ServiceRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The names of plain containers attached to a swarm network ({@code docker run --network}), as
 * every node resolves them: Docker answers a container's name (and its aliases) on the whole
 * overlay, not only on its own node. Each is written as a record with no VIP, so the name
 * resolves to the container's address.
 */
final class AttachmentNames {
  private AttachmentNames() {}

  static List<ServiceRecord> on(String networkId, List<Task> live) {
    List<ServiceRecord> out = new ArrayList<>();
    for (Task t : live) {
      if (!t.isAttachment()) {
        continue;
      }
      String ip = t.networksAttachments().stream()
          .filter(a -> a.network() != null && a.network().id().equals(networkId))
          .flatMap(a -> a.addresses().stream()).findFirst().map(AttachmentNames::bare).orElse("");
      List<String> names = t.spec().networks().stream().filter(c -> c.target().equals(networkId))
          .map(NetworkAttachmentConfig::aliases).findFirst().orElse(List.of());
      if (!ip.isEmpty() && !names.isEmpty()) {
        out.add(new ServiceRecord(names.getFirst(), "", List.of(ip), names.subList(1, names.size())));
      }
    }
    return out;
  }

  private static String bare(String cidr) {
    int slash = cidr.indexOf('/');
    return slash < 0 ? cidr : cidr.substring(0, slash);
  }
}
