package io.berth.daemon.network;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.daemon.events.EventBus;
import io.berth.errdefs.ForbiddenException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The network use-cases the Engine API offers: create and remove with their events, refusing to
 * remove a network containers are attached to, prune, list by Docker's filters, and who is
 * attached. {@link NetworkService} keeps the records and drivers the containers attach through;
 * this asks the container side who is attached ({@link NetworkMembers}), which that service,
 * built before the containers, cannot.
 */
public final class NetworkManager {
  private final NetworkService networks;
  private final NetworkMembers members;
  private final EventBus events;

  public NetworkManager(NetworkService networks, NetworkMembers members, EventBus events) {
    this.networks = networks;
    this.members = members;
    this.events = events;
  }

  /** By full id, then exact name, then unique id prefix (Docker's order). */
  public NetworkRecord find(String ref) {
    return networks.find(ref);
  }

  /** The networks {@code filters} ({@code GET /networks}'s, already parsed) select. */
  public List<NetworkRecord> list(JsonNode filters) {
    var select = NetworkFilters.list(filters, r -> members.attached(r).isEmpty());
    return networks.list().stream().filter(select).toList();
  }

  /** The containers attached to the network, with their endpoints on it. */
  public List<NetworkMembers.Member> attached(NetworkRecord r) {
    return members.attached(r);
  }

  public NetworkRecord create(NetworkService.CreateRequest request) {
    NetworkRecord r = networks.create(request);
    events.publish("network", "create", r.id(), Map.of("name", r.name(), "type", r.driver()));
    return r;
  }

  /** Removes a user-defined network no container is attached to (403 otherwise, as Docker). */
  public void remove(String ref) {
    remove(networks.find(ref));
  }

  private void remove(NetworkRecord r) {
    if (!r.userDefined()) {
      throw new ForbiddenException(r.name() + " is a pre-defined network and cannot be removed");
    }
    List<String> users = members.attached(r).stream().map(NetworkMembers.Member::name).toList();
    if (!users.isEmpty()) {
      throw new ForbiddenException("error while removing network: network " + r.name() + " id " + r.id()
          + " has active endpoints (" + String.join(", ", users) + ")");
    }
    networks.remove(r);
    events.publish("network", "destroy", r.id(), Map.of("name", r.name(), "type", r.driver()));
  }

  /** Removes the user-defined networks {@code filters} select that no container is attached to; their names. */
  public List<String> prune(JsonNode filters) {
    var select = NetworkFilters.prune(filters);
    List<String> removed = new ArrayList<>();
    for (NetworkRecord r : networks.list()) {
      // a swarm overlay's copy is the node's to keep or drop as its tasks need it
      if (r.userDefined() && !r.driver().equals(NetworkService.OVERLAY) && select.test(r)
          && members.attached(r).isEmpty()) {
        remove(r);
        removed.add(r.name());
      }
    }
    return removed;
  }
}
