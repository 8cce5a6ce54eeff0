package io.berth.cluster.allocator;

import io.berth.cluster.model.Network;
import io.berth.cluster.model.NetworkAttachment;
import io.berth.cluster.model.Node;
import io.berth.cluster.state.Plan;
import io.berth.errdefs.BerthException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every node one address of its own on the ingress network (swarmkit's node load-balancer
 * attachment): the routing mesh on a node rewrites the source of the traffic it forwards to a task
 * on another node to this address, so replies come back through it. A node keeps its address; a
 * node of a swarm whose ingress network was removed loses it.
 */
final class NodeAllocation {
  private static final Logger LOG = LoggerFactory.getLogger(NodeAllocation.class);

  private NodeAllocation() {}

  static void pass(List<Node> nodes, Allocations a, Plan plan) {
    Optional<Network> ingress = a.ingress().flatMap(n -> a.allocated(n.id()));
    for (Node node : nodes) {
      if (plan.full()) {
        return;
      }
      if (ingress.isEmpty()) {
        if (!node.attachments().isEmpty() && a.ingress().isEmpty()) {
          plan.update(node.withAttachments(List.of()));
        }
        continue;
      }
      Network net = ingress.get();
      boolean has = node.attachments().size() == 1 && node.attachments().getFirst().network() != null
          && node.attachments().getFirst().network().id().equals(net.id())
          && !node.attachments().getFirst().addresses().isEmpty();
      if (!has) {
        try {
          plan.update(node.withAttachments(List.of(new NetworkAttachment(net, List.of(a.spaces.get(net.id()).take())))));
        } catch (BerthException e) {
          LOG.warn("node {} gets no ingress address: {}", node.id(), e.getMessage());
        }
      }
    }
  }
}
