package io.berth.cluster.network;

import io.berth.cluster.allocator.TunnelPool;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.Task;
import io.berth.cluster.network.NetworkView.SealedPeer;
import io.berth.cluster.network.NetworkView.Sealing;
import io.berth.cluster.network.NetworkView.SealingKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link Sealing} part of one node's view: only for a node with a live task on an encrypted
 * overlay (the keys go nowhere else), with the nodes it shares such an overlay with as peers.
 * None while the leader has not yet given the node a tunnel address or made a key: the node then
 * leaves its encrypted overlays out (their tasks fail) rather than carry them in clear.
 */
final class Sealings {
  private Sealings() {}

  /**
   * @param encrypted the encrypted overlays {@code nodeId}'s view holds
   * @param live the live tasks of the cluster
   */
  static Sealing forNode(String nodeId, Set<String> encrypted, List<Task> live, Map<String, Node> nodes,
      OverlayEncryption keys) {
    if (encrypted.isEmpty() || keys == null || keys.primary().isEmpty()) {
      return null;
    }
    String self = keys.tunnels().get(nodeId);
    if (self == null) {
      return null;
    }
    Set<String> peerNodes = new LinkedHashSet<>();
    for (Task t : live) {
      if (!t.nodeId().equals(nodeId) && t.networksAttachments().stream()
          .anyMatch(a -> a.network() != null && encrypted.contains(a.network().id()))) {
        peerNodes.add(t.nodeId());
      }
    }
    List<SealedPeer> peers = new ArrayList<>();
    for (String id : peerNodes) {
      Node n = nodes.get(id);
      String tunnel = keys.tunnels().get(id);
      String underlay = n == null || n.status().addr() == null ? "" : n.status().addr();
      if (tunnel != null && !underlay.isEmpty()) {
        peers.add(new SealedPeer(tunnel, underlay));
      }
    }
    List<SealingKey> sent = keys.keys().stream().map(k -> new SealingKey(k.id(), k.secret())).toList();
    return new Sealing(self + "/" + TunnelPool.prefix(), peers, sent, keys.primary().get().id());
  }
}
