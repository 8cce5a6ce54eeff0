package io.berth.daemon.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cluster.state.ClusterState;
import io.berth.daemon.records.RecordJson;
import io.berth.daemon.swarm.LocalNodeState;
import io.berth.daemon.swarm.SwarmMembership;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /api/state}: everything the page draws, in one answer, so the browser refetches one
 * document (debounced) after events instead of a request per view. The cluster part comes from one
 * snapshot of this manager's store, read locally without the leader round trip the Engine API's
 * reads make: the page follows events, and the next event brings the next snapshot. On a worker
 * or outside a swarm the cluster lists are empty.
 */
final class StateSnapshot {
  private final SwarmMembership swarm;
  private final EngineView engine;
  private final Supplier<Optional<RepositoryCatalog>> registry;

  StateSnapshot(SwarmMembership swarm, EngineView engine, Supplier<Optional<RepositoryCatalog>> registry) {
    this.swarm = swarm;
    this.engine = engine;
    this.registry = registry;
  }

  ObjectNode read() {
    ObjectNode out = RecordJson.object();
    out.put("swarm", swarm.info().localNodeState() == LocalNodeState.ACTIVE);
    Optional<ClusterState> cluster = swarm.managerState();
    if (cluster.isPresent()) {
      ClusterView.write(cluster.get().snapshot(), out);
    } else {
      out.putArray("nodes");
      out.putArray("services");
      out.putArray("tasks");
      out.putArray("networks");
    }
    engine.write(out, (ArrayNode) out.get("networks"));
    Optional<RepositoryCatalog> catalog = registry.get();
    if (catalog.isEmpty()) {
      out.putNull("registry");
    } else {
      ArrayNode repos = out.putArray("registry");
      catalog.get().tagsByRepository().forEach((repo, tags) -> {
        ObjectNode r = repos.addObject().put("Repository", repo);
        ArrayNode t = r.putArray("Tags");
        tags.forEach(t::add);
      });
    }
    return out;
  }
}
