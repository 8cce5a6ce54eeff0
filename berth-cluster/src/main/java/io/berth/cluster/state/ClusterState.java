package io.berth.cluster.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cluster.model.Cluster;
import io.berth.cluster.ca.keys.SecretsKey;
import io.berth.cluster.model.Network;
import io.berth.cluster.model.Payload;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.Task;
import io.berth.cluster.raft.ClusterStore;
import io.berth.cluster.raft.StoredObject;
import io.berth.cluster.raft.Write;
import io.berth.oci.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cluster store seen as Docker's objects: every loop, route and RPC reads and writes nodes,
 * services, tasks, networks and the swarm through here, so the store's layout (one kind per object type,
 * keyed by id, values as the Engine API's JSON) is decided in one place. An object read back
 * carries the store's version, which is what an update names to be applied.
 */
public final class ClusterState {
  /** The kinds in the store. */
  public static final String NODES = "nodes";
  public static final String SERVICES = "services";
  public static final String TASKS = "tasks";
  public static final String NETWORKS = "networks";
  public static final String CLUSTER = "cluster";
  /** The CA's state ({@link io.berth.cluster.ca.CaState} as JSON) and the join tokens: managers only. */
  public static final String CA = "ca";
  /** Secrets (payloads sealed under the managers' secrets key) and configs: {@link Payload}s. */
  public static final String SECRETS = "secrets";
  public static final String CONFIGS = "configs";
  /** The key of the one cluster object and of the one CA object. */
  public static final String THE = "default";

  private final ClusterStore store;
  private final AtomicReference<SecretsKey> secretsKey = new AtomicReference<>();

  public ClusterState(ClusterStore store) {
    this.store = store;
  }

  /**
   * The secrets key this manager holds (decision 0040), kept beside the store and never in it:
   * empty on a manager that has not been given one (a swarm made before secrets existed).
   */
  public Optional<SecretsKey> secretsKey() {
    return Optional.ofNullable(secretsKey.get());
  }

  public void useSecretsKey(SecretsKey key) {
    secretsKey.set(key);
  }

  public ClusterStore store() {
    return store;
  }

  public Optional<Node> node(String id) {
    return store.get(NODES, id).map(o -> decode(o, Node.class));
  }

  public List<Node> nodes() {
    return all(NODES, Node.class);
  }

  public Optional<Service> service(String id) {
    return store.get(SERVICES, id).map(o -> decode(o, Service.class));
  }

  public List<Service> services() {
    return all(SERVICES, Service.class);
  }

  public Optional<Task> task(String id) {
    return store.get(TASKS, id).map(o -> decode(o, Task.class));
  }

  public List<Task> tasks() {
    return all(TASKS, Task.class);
  }

  public List<Task> tasksOfService(String serviceId) {
    return tasks().stream().filter(t -> serviceId.equals(t.serviceId())).toList();
  }

  public List<Task> tasksOnNode(String nodeId) {
    return tasks().stream().filter(t -> nodeId.equals(t.nodeId())).toList();
  }

  public Optional<Network> network(String id) {
    return store.get(NETWORKS, id).map(o -> decode(o, Network.class));
  }

  public List<Network> networks() {
    return all(NETWORKS, Network.class);
  }

  public Optional<Cluster> cluster() {
    return store.get(CLUSTER, THE).map(o -> decode(o, Cluster.class));
  }

  /** A secret or config ({@code kind} {@link #SECRETS} or {@link #CONFIGS}), as stored. */
  public Optional<Payload> payload(String kind, String id) {
    return store.get(kind, id).map(o -> decode(o, Payload.class));
  }

  public List<Payload> payloads(String kind) {
    return all(kind, Payload.class);
  }

  /** The CA's state and the join tokens (managers only; {@link StoredCa}). */
  public Optional<StoredCa> ca() {
    return store.get(CA, THE).map(o -> decode(o, StoredCa.class));
  }

  /** Everything at about one index, for a loop's pass (see {@link Snapshot}). */
  public Snapshot snapshot() {
    long index = store.index();
    return new Snapshot(index, cluster(), nodes(), services(), tasks(), networks());
  }

  /** A batch of writes applied as one; {@link #apply} returns the objects as stored. */
  public Batch batch() {
    return new Batch();
  }

  /** Writes collected for one atomic apply. Updates name the version the object was read at. */
  public final class Batch {
    private final List<Write> writes = new ArrayList<>();

    public Batch create(Node n) {
      writes.add(new Write.Create(NODES, n.id(), Json.bytes(n)));
      return this;
    }

    public Batch update(Node n) {
      writes.add(new Write.Update(NODES, n.id(), n.version().index(), Json.bytes(n)));
      return this;
    }

    public Batch create(Service s) {
      writes.add(new Write.Create(SERVICES, s.id(), Json.bytes(s)));
      return this;
    }

    public Batch update(Service s) {
      writes.add(new Write.Update(SERVICES, s.id(), s.version().index(), Json.bytes(s)));
      return this;
    }

    public Batch create(Task t) {
      writes.add(new Write.Create(TASKS, t.id(), Json.bytes(t)));
      return this;
    }

    public Batch update(Task t) {
      writes.add(new Write.Update(TASKS, t.id(), t.version().index(), Json.bytes(t)));
      return this;
    }

    public Batch create(Network n) {
      writes.add(new Write.Create(NETWORKS, n.id(), Json.bytes(n)));
      return this;
    }

    public Batch update(Network n) {
      writes.add(new Write.Update(NETWORKS, n.id(), n.version().index(), Json.bytes(n)));
      return this;
    }

    public Batch create(Cluster c) {
      writes.add(new Write.Create(CLUSTER, THE, Json.bytes(c)));
      return this;
    }

    public Batch update(Cluster c) {
      writes.add(new Write.Update(CLUSTER, THE, c.version().index(), Json.bytes(c)));
      return this;
    }

    public Batch create(StoredCa ca) {
      writes.add(new Write.Create(CA, THE, Json.bytes(ca)));
      return this;
    }

    public Batch update(StoredCa ca) {
      writes.add(new Write.Update(CA, THE, ca.version().index(), Json.bytes(ca)));
      return this;
    }

    public Batch create(String kind, Payload p) {
      writes.add(new Write.Create(kind, p.id(), Json.bytes(p)));
      return this;
    }

    public Batch update(String kind, Payload p) {
      writes.add(new Write.Update(kind, p.id(), p.version().index(), Json.bytes(p)));
      return this;
    }

    public Batch delete(String kind, String id) {
      writes.add(new Write.Delete(kind, id));
      return this;
    }

    public Batch add(Write w) {
      writes.add(w);
      return this;
    }

    public boolean isEmpty() {
      return writes.isEmpty();
    }

    public int size() {
      return writes.size();
    }

    public List<StoredObject> apply() {
      return writes.isEmpty() ? List.of() : store.apply(List.copyOf(writes));
    }
  }

  private <T> List<T> all(String kind, Class<T> type) {
    return store.list(kind, "").stream().map(o -> decode(o, type)).toList();
  }

  /** The object in {@code o} with the store's version in its Version field. */
  public static <T> T decode(StoredObject o, Class<T> type) {
    try {
      ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(o.value());
      tree.putObject("Version").put("Index", o.version());
      return Json.MAPPER.treeToValue(tree, type);
    } catch (IOException e) {
      throw new UncheckedIOException("cluster store object " + o.name() + " is not a " + type.getSimpleName(), e);
    }
  }
}
