package io.berth.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cluster.model.Network;
import io.berth.daemon.network.NetworkFilters;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@code GET /networks}' filters applied to the swarm's networks, with the semantics the node's
 * own networks get ({@code io.berth.daemon.network.NetworkFilters}, which has refused unknown
 * filters already): {@code name} part of the name, {@code id} a prefix, {@code driver} exactly,
 * {@code type} custom, {@code scope} swarm, every {@code label}; {@code dangling} is about
 * containers attached on this node, of which a swarm network has none here.
 */
final class ClusterNetworkFilters {
  private ClusterNetworkFilters() {}

  static Predicate<Network> of(JsonNode filters) {
    List<String> names = NetworkFilters.values(filters, "name");
    List<String> ids = NetworkFilters.values(filters, "id");
    List<String> drivers = NetworkFilters.values(filters, "driver");
    List<String> types = NetworkFilters.values(filters, "type");
    List<String> scopes = NetworkFilters.values(filters, "scope");
    List<String> labels = NetworkFilters.values(filters, "label");
    return n -> (names.isEmpty() || names.stream().anyMatch(x -> n.spec().name().contains(x)))
        && (ids.isEmpty() || ids.stream().anyMatch(n.id()::startsWith))
        && (drivers.isEmpty() || drivers.contains(n.spec().driverConfiguration().name()))
        && (types.isEmpty() || types.contains("custom"))
        && (scopes.isEmpty() || scopes.contains("swarm"))
        && NetworkFilters.labelsMatch(n.spec().labels(), labels);
  }

  /** Whether a {@code scope} filter leaves the node's own (local) networks in. */
  static boolean keepsLocal(JsonNode filters) {
    List<String> scopes = NetworkFilters.values(filters, "scope");
    return scopes.isEmpty() || scopes.contains("local");
  }
}
