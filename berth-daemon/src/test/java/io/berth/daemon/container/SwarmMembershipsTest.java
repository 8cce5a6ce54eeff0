package io.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.container.Container.NetworkAttachment;
import io.berth.daemon.network.NetworkService;
import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.ForbiddenException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.store.meta.FileMetadataStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain container's membership in a swarm overlay as Docker holds it: create and connect of a
 * container that does not run only record it (the managers asked whether the overlay takes it,
 * nothing allocated), the address is claimed for a run and given back after it, and inspect
 * shows it only while it is held. The kernel side of a run is covered end to end
 * ({@code AttachableOverlayIT}).
 */
class SwarmMembershipsTest {
  private static final String NET_ID = "a".repeat(64);
  @TempDir Path tmp;
  private final List<String> calls = new ArrayList<>();
  private NetworkService service;
  private ContainerNetworks networks;
  private SwarmMemberships swarm;
  private Container c;

  /** The managers as this node reaches them: only "net" (attachable) and "plain" (not) exist. */
  private final SwarmMemberships.Attacher managers = new SwarmMemberships.Attacher() {
    @Override
    public Optional<SwarmMemberships.Resolved> resolve(String network) {
      calls.add("resolve " + network);
      return Optional.of(new SwarmMemberships.Resolved(known(network), "net"));
    }

    @Override
    public Optional<SwarmMemberships.Attached> attach(String network, String containerId, List<String> aliases) {
      calls.add("attach " + known(network) + " " + aliases);
      return Optional.of(new SwarmMemberships.Attached(NET_ID, "10.0.1.5"));
    }

    @Override
    public void detach(String containerId, String networkId) {
      calls.add("detach " + networkId);
    }

    private String known(String network) {
      if (network.equals("plain")) {
        throw new ForbiddenException("Could not attach to network plain: rpc error: code = PermissionDenied"
            + " desc = network plain not manually attachable");
      }
      if (!network.equals("net") && !network.equals(NET_ID)) {
        throw new NotFoundException("network " + network + " not found");
      }
      return NET_ID;
    }
  };

  @BeforeEach
  void setUp() {
    service = new NetworkService(new FileMetadataStore(tmp.resolve("meta")), null, List.of(), "bt9", "10.99.0.1/16");
    networks = new ContainerNetworks(service);
    networks.swarm(managers);
    swarm = new SwarmMemberships(service);
    swarm.attacher(managers);
    c = new Container();
    c.id = "c".repeat(64);
    c.name = "alpha";
    c.config = RecordJson.object();
    c.hostConfig = RecordJson.object();
  }

  @Test
  void aCreatedContainerIsRecordedOnTheOverlayAndHoldsNoAddress() {
    ObjectNode body = RecordJson.object();
    body.putObject("NetworkingConfig").putObject("EndpointsConfig").putObject("net").putArray("Aliases").add("web");
    c.hostConfig.put("NetworkMode", "net");
    c.networks = networks.plan(c, c.hostConfig, body);

    assertThat(calls).containsExactly("resolve net");
    NetworkAttachment a = c.networks.get("net");
    assertThat(a).isEqualTo(new NetworkAttachment(NET_ID, List.of("web"), null, List.of()));
    assertThat(c.hostConfig.path("NetworkMode").asText()).isEqualTo("net");
    assertThat(networks.ipamAddress(c, a, null)).as("inspect's IPAMConfig of a created container").isNull();
    assertThat(networks.usesDns(c)).as("a swarm overlay whose copy is made at start is user-defined").isTrue();
    assertThat(networks.mayHoldSwarmAddresses(c)).isFalse();
  }

  @Test
  void theManagersRefusalsAndAFixedAddressFailTheCreate() {
    c.hostConfig.put("NetworkMode", "plain");
    assertThatThrownBy(() -> networks.plan(c, c.hostConfig, RecordJson.object()))
        .isInstanceOf(ForbiddenException.class).hasMessageContaining("network plain not manually attachable");
    c.hostConfig.put("NetworkMode", "nosuch");
    assertThatThrownBy(() -> networks.plan(c, c.hostConfig, RecordJson.object()))
        .isInstanceOf(NotFoundException.class).hasMessage("network nosuch not found");
    ObjectNode body = RecordJson.object();
    body.putObject("NetworkingConfig").putObject("EndpointsConfig").putObject("net").putObject("IPAMConfig")
        .put("IPv4Address", "10.0.1.9");
    c.hostConfig.put("NetworkMode", "net");
    assertThatThrownBy(() -> networks.plan(c, c.hostConfig, body))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("--ip 10.0.1.9");
    assertThat(calls).doesNotContain("attach").allMatch(s -> s.startsWith("resolve"));
  }

  @Test
  void connectingAStoppedContainerRecordsOnlyAndDisconnectingGivesBackWhatever() {
    c.networks = networks.plan(c, c.hostConfig, RecordJson.object()); // the default bridge
    networks.connect(c, "net", null, false);
    assertThat(calls).containsExactly("resolve net");
    assertThat(c.networks).containsKeys("bridge", "net");

    // no copy of the overlay here (it never ran since): disconnect finds it among the memberships
    networks.disconnect(c, networks.memberNetwork(c, "net"));
    assertThat(c.networks).containsOnlyKeys("bridge");
    assertThat(calls).containsExactly("resolve net", "detach " + NET_ID);
    assertThatThrownBy(() -> networks.memberNetwork(c, "net")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void anAddressIsClaimedForARunAndGivenBackAfterIt() {
    NetworkAttachment a = new NetworkAttachment(NET_ID, List.of("web"), null, List.of());
    c.networks = new java.util.LinkedHashMap<>(java.util.Map.of("net", a));
    assertThat(swarm.claim(c, "net", a)).isEqualTo("10.0.1.5");
    assertThat(calls).containsExactly("attach " + NET_ID + " [alpha, web]");
    assertThat(swarm.mayHold(c)).as("its start is under way").isTrue();

    swarm.release(c); // the run is over (or the start failed)
    assertThat(calls).last().isEqualTo("detach " + NET_ID);
    assertThat(swarm.mayHold(c)).isFalse();
    c.state.to(c.id, ContainerStatus.RUNNING); // e.g. kept running while berthd restarted
    assertThat(swarm.mayHold(c)).isTrue();
  }

  @Test
  void aNetworkGoneSinceCreateIsNamedAsTheContainerKnowsIt() {
    NetworkAttachment a = new NetworkAttachment("b".repeat(64), List.of(), null, List.of());
    assertThatThrownBy(() -> swarm.claim(c, "old", a))
        .isInstanceOf(NotFoundException.class).hasMessage("network old not found");
    swarm.attacher(SwarmMemberships.Attacher.NONE);
    assertThatThrownBy(() -> swarm.claim(c, "old", a))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("network old not found: this node is in no swarm");
  }
}
