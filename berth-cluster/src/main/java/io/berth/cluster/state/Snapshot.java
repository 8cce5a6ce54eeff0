package io.berth.cluster.state;

import io.berth.cluster.model.Cluster;
import io.berth.cluster.model.Network;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.Task;
import java.util.List;
import java.util.Optional;

/**
 * What a level-triggered loop observes in one pass: every object, read at about {@code index}.
 * The lists are read one after another, not under one lock, so a pass can see a write half way;
 * each write a loop makes names the versions it read, so acting on such a view costs a retry.
 */
public record Snapshot(long index, Optional<Cluster> cluster, List<Node> nodes, List<Service> services,
    List<Task> tasks, List<Network> networks) {
  public Snapshot {
    networks = List.copyOf(networks);
    nodes = List.copyOf(nodes);
    services = List.copyOf(services);
    tasks = List.copyOf(tasks);
  }
}
