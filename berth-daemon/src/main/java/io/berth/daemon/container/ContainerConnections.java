package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.daemon.events.EventBus;
import io.berth.daemon.network.NetworkRecord;
import java.util.Map;

/**
 * {@code network connect} and {@code network disconnect} of one container: the membership
 * change under the container's lock, the record saved, and Docker's network event.
 */
public final class ContainerConnections {
  private final ContainerRepository repo;
  private final ContainerNetworks networks;
  private final EventBus events;

  ContainerConnections(ContainerRepository repo, ContainerNetworks networks, EventBus events) {
    this.repo = repo;
    this.networks = networks;
    this.events = events;
  }

  /** Attaches at once when the container runs, else on its next start. */
  /** {@code network}: the network's name or id (this engine's, or a swarm overlay's). */
  public void connect(String ref, String network, JsonNode endpointConfig) {
    Container c = repo.get(ref);
    NetworkRecord r;
    synchronized (c) {
      r = networks.connect(c, network, endpointConfig, c.state.running());
      repo.save(c);
    }
    emit(c, r, "connect");
  }

  /** {@code network}: the network's name or id (this engine's, or a swarm overlay the container is on). */
  public void disconnect(String ref, String network) {
    Container c = repo.get(ref);
    NetworkRecord r;
    synchronized (c) {
      r = networks.memberNetwork(c, network);
      networks.disconnect(c, r);
      repo.save(c);
    }
    emit(c, r, "disconnect");
  }

  private void emit(Container c, NetworkRecord n, String action) {
    events.publish("network", action, n.id(), Map.of("container", c.id, "name", n.name(), "type", n.driver()));
  }
}
