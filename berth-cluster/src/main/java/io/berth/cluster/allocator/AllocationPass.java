package io.berth.cluster.allocator;

import io.berth.cluster.model.Service;
import io.berth.cluster.state.Plan;
import io.berth.cluster.state.Snapshot;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * One allocator pass over a snapshot, the allocator loop's body: networks first (their blocks are
 * what the rest takes addresses from), then the nodes' ingress addresses, the services' endpoints,
 * and last the new tasks, all in one plan written as one batch. Every write names the version it
 * read, so a pass that raced a user's update is refused whole and the next one reads again.
 */
public final class AllocationPass {
  private final Clock clock;

  public AllocationPass(Clock clock) {
    this.clock = clock;
  }

  public Plan pass(Snapshot snap) {
    Plan plan = new Plan();
    var now = clock.instant();
    Allocations a = Allocations.of(snap);
    NetworkAllocation.pass(a, plan, now);
    NodeAllocation.pass(snap.nodes(), a, plan);
    EndpointAllocation.pass(snap.services(), a, plan);
    Map<String, Service> services = new HashMap<>();
    snap.services().forEach(s -> services.put(s.id(), s));
    TaskAllocation.pass(snap.tasks(), services, a, plan, now);
    return plan;
  }
}
