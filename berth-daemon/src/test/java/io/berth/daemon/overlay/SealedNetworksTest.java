package io.berth.daemon.overlay;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.network.NetworkView;
import io.berth.cluster.network.NetworkView.AttachedNetwork;
import io.berth.cluster.network.NetworkView.NetworkPeer;
import io.berth.cluster.network.NetworkView.SealedPeer;
import io.berth.cluster.network.NetworkView.Sealing;
import io.berth.cluster.network.NetworkView.SealingKey;
import io.berth.network.overlay.OverlayDriver;
import io.berth.network.overlay.OverlayPeer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How an encrypted overlay is laid over the seal (no kernel: the seal itself is tested in
 * berth-network, the whole path by SwarmEncryptedOverlayIT): the overlay binds to the tunnel
 * address with the seal's MTU less VXLAN's, peers are reached at their nodes' tunnel addresses,
 * and without sealing in the view nothing is opened and the network cannot be carried.
 */
class SealedNetworksTest {
  private static AttachedNetwork net(boolean encrypted) {
    return new AttachedNetwork("n0123456789abcdef", "sec", "10.0.1.0/24", "10.0.1.1", 4099, false, encrypted, false,
        List.of(), List.of());
  }

  @Test
  void theOverlayBindsToTheTunnelAddressAndItsPeersAreReachedAtTheirNodesTunnelAddresses() {
    SealedNetworks.Carrier c = new SealedNetworks.Carrier("100.64.0.2", 1385, Map.of("10.77.3.12", "100.64.0.3"));
    assertThat(c.options(4099)).containsExactlyInAnyOrderEntriesOf(Map.of(OverlayDriver.VNI, "4099",
        OverlayDriver.UNDERLAY, "100.64.0.2", OverlayDriver.MTU, "1385"));
    assertThat(c.peer(new NetworkPeer("10.0.1.5", "10.77.3.12", false)))
        .contains(OverlayPeer.endpoint("10.0.1.5", "100.64.0.3"));
    assertThat(c.peer(new NetworkPeer("10.0.1.6", "10.77.3.12", true))).contains(OverlayPeer.node("10.0.1.6", "100.64.0.3"));
    assertThat(c.peer(new NetworkPeer("10.0.1.7", "10.77.3.13", false)))
        .as("a node that is not a peer of the seal is not reached in clear").isEmpty();
  }

  @Test
  void withoutSealingOrWithoutAnEncryptedNetworkNothingIsOpened() {
    try (SealedNetworks s = new SealedNetworks("seal-test0", 0)) {
      assertThat(s.apply(new NetworkView("10.77.3.11", "", List.of(net(true)), List.of()))).isEmpty();
      Sealing sealing = new Sealing("100.64.0.2/16", List.of(new SealedPeer("100.64.0.3", "10.77.3.12")),
          List.of(new SealingKey(1, new byte[32])), 1);
      assertThat(s.apply(new NetworkView("10.77.3.11", "", List.of(net(false)), List.of(), sealing))).isEmpty();
    }
  }
}
