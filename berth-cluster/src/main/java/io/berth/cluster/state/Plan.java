package io.berth.cluster.state;

import io.berth.cluster.model.Network;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.Task;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one pass decided to write, collected so it goes to the store as one batch (all or
 * nothing: a pass that raced another writer is refused whole and the next pass starts again
 * from what is stored). Tests read the decisions here instead of the store. Several rules of one
 * pass may touch the same task: {@link #latest} gives the version already planned, so the
 * second rule builds on the first and the batch carries one update per task. Besides tasks, a plan
 * carries the allocator's writes of services, nodes and networks (their allocated fields).
 */
public final class Plan {
  /**
   * About how many writes one batch carries (a task is under a kilobyte of JSON): orchestrators
   * stop adding work once a plan is {@link #full}, and the next pass, which follows at once,
   * carries on. A Raft log entry is refused above 4 MiB (Ratis' buffer limit: 10,000 new tasks in
   * one batch are), and a small one commits quickly.
   */
  public static final int MAX_WRITES = 200;

  private final List<Task> creates = new ArrayList<>();
  private final Map<String, Task> updates = new LinkedHashMap<>();
  private final Set<String> deletes = new LinkedHashSet<>();
  private final Map<String, Service> services = new LinkedHashMap<>();
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final Map<String, Network> networks = new LinkedHashMap<>();
  private Instant wakeAt;

  public void create(Task t) {
    creates.add(t);
  }

  /** Plans {@code t} (read from the store, carrying its version) to be written as it is now. */
  public void update(Task t) {
    updates.put(t.id(), t);
  }

  public void delete(Task t) {
    deletes.add(t.id());
  }

  /** The allocator's write of a service's endpoint ({@code s} read from the store, carrying its version). */
  public void update(Service s) {
    services.put(s.id(), s);
  }

  /** The allocator's write of a node's attachments. */
  public void update(Node n) {
    nodes.put(n.id(), n);
  }

  /** The allocator's write of a network's allocation. */
  public void update(Network n) {
    networks.put(n.id(), n);
  }

  /** {@code s} as this plan will write it (the stored one when nothing is planned for it yet). */
  public Service latest(Service s) {
    return services.getOrDefault(s.id(), s);
  }

  /** {@code n} as this plan will write it (the stored one when nothing is planned for it yet). */
  public Network latest(Network n) {
    return networks.getOrDefault(n.id(), n);
  }

  public List<Service> serviceUpdates() {
    return List.copyOf(services.values());
  }

  public List<Node> nodeUpdates() {
    return List.copyOf(nodes.values());
  }

  public List<Network> networkUpdates() {
    return List.copyOf(networks.values());
  }

  /** {@code t} as this plan will write it (the stored one when nothing is planned for it yet). */
  public Task latest(Task t) {
    return updates.getOrDefault(t.id(), t);
  }

  /**
   * Asks for another pass at {@code at} at the latest: time-based work (a restart delay) that no
   * store change will announce.
   */
  public void wakeAt(Instant at) {
    if (wakeAt == null || at.isBefore(wakeAt)) {
      wakeAt = at;
    }
  }

  public Optional<Instant> wakeAt() {
    return Optional.ofNullable(wakeAt);
  }

  public List<Task> creates() {
    return List.copyOf(creates);
  }

  public List<Task> updates() {
    return List.copyOf(updates.values());
  }

  public Set<String> deletes() {
    return Set.copyOf(deletes);
  }

  public int size() {
    return creates.size() + updates.size() + deletes.size() + services.size() + nodes.size() + networks.size();
  }

  /** True once the plan holds {@link #MAX_WRITES}: the rest waits for the next pass. */
  public boolean full() {
    return size() >= MAX_WRITES;
  }

  public boolean isEmpty() {
    return size() == 0;
  }

  /** Writes the plan as one batch; a stale version anywhere refuses all of it (Conflict). */
  public void apply(ClusterState state) {
    ClusterState.Batch batch = state.batch();
    networks.values().forEach(batch::update);
    nodes.values().forEach(batch::update);
    services.values().forEach(batch::update);
    creates.forEach(batch::create);
    updates.values().forEach(batch::update);
    deletes.forEach(id -> batch.delete(ClusterState.TASKS, id));
    batch.apply();
  }

  @Override
  public String toString() {
    return "Plan[create " + creates.size() + ", update " + updates.size() + ", delete " + deletes.size()
        + (services.isEmpty() ? "" : ", services " + services.size())
        + (nodes.isEmpty() ? "" : ", nodes " + nodes.size())
        + (networks.isEmpty() ? "" : ", networks " + networks.size()) + "]";
  }
}
