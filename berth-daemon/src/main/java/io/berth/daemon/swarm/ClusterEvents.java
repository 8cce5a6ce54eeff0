package io.berth.daemon.swarm;

import io.berth.cluster.model.ManagerStatus;
import io.berth.cluster.model.Network;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.Payload;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.Version;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.state.StoreWatch;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Docker's node, service, network, secret and config events ({@code docker events} on any manager,
 * scope {@code swarm}; a network's only attribute is its name, as dockerd's), read from the
 * replicated store rather than from the API call that made the change, as dockerd reads
 * swarmkit's watch: so every manager tells of every change, whoever made it, including the ones
 * no API call makes (a node joining, going down, a new leader). Each pass compares the store
 * with what the previous pass saw, by object version; several changes to one object between two
 * passes are one update event. Objects already there when the watch starts make no event.
 */
public final class ClusterEvents implements AutoCloseable {
  /** Where events go: the daemon's event bus. */
  @FunctionalInterface
  public interface Sink {
    void publish(String type, String action, String id, Map<String, String> attributes);
  }

  private static final Duration PERIOD = Duration.ofSeconds(5);

  private final ClusterState state;
  private final Sink sink;
  private Map<String, Node> nodes;
  private Map<String, Service> services;
  private Map<String, Payload> secrets;
  private Map<String, Payload> configs;
  private Map<String, Network> networks;
  private StoreWatch watch;

  ClusterEvents(ClusterState state, Sink sink) {
    this.state = state;
    this.sink = sink;
  }

  ClusterEvents start() {
    nodes = byId(state.nodes(), Node::id);
    services = byId(state.services(), Service::id);
    secrets = byId(state.payloads(ClusterState.SECRETS), Payload::id);
    configs = byId(state.payloads(ClusterState.CONFIGS), Payload::id);
    networks = byId(state.networks(), Network::id);
    watch = StoreWatch.start(state, PERIOD, "swarm events", this::pass);
    return this;
  }

  /** One comparison of the store with the previous one (package-private for the tests). */
  synchronized void pass() {
    Map<String, Node> nowNodes = byId(state.nodes(), Node::id);
    Map<String, Service> nowServices = byId(state.services(), Service::id);
    Map<String, Network> nowNetworks = byId(state.networks(), Network::id);
    diff("node", nodes, nowNodes, Node::version, ClusterEvents::nodeName, ClusterEvents::nodeChanges);
    diff("service", services, nowServices, Service::version, s -> s.spec().name(), ClusterEvents::serviceChanges);
    diff("network", networks, nowNetworks, Network::version, n -> n.spec().name(), (was, now, attrs) -> {});
    nodes = nowNodes;
    services = nowServices;
    Map<String, Payload> nowSecrets = byId(state.payloads(ClusterState.SECRETS), Payload::id);
    Map<String, Payload> nowConfigs = byId(state.payloads(ClusterState.CONFIGS), Payload::id);
    diff("secret", secrets, nowSecrets, Payload::version, p -> p.spec().name(), (a, b, attrs) -> { });
    diff("config", configs, nowConfigs, Payload::version, p -> p.spec().name(), (a, b, attrs) -> { });
    secrets = nowSecrets;
    configs = nowConfigs;
    networks = nowNetworks;
  }

  private <T> void diff(String type, Map<String, T> before, Map<String, T> after, Function<T, Version> version,
      Function<T, String> name, Changes<T> changes) {
    after.forEach((id, now) -> {
      T was = before.get(id);
      if (was == null) {
        sink.publish(type, "create", id, Map.of("name", name.apply(now)));
      } else if (!version.apply(was).equals(version.apply(now))) {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("name", name.apply(now));
        changes.add(was, now, attrs);
        sink.publish(type, "update", id, attrs);
      }
    });
    before.forEach((id, was) -> {
      if (!after.containsKey(id)) {
        sink.publish(type, "remove", id, Map.of("name", name.apply(was)));
      }
    });
  }

  @FunctionalInterface
  private interface Changes<T> {
    void add(T before, T after, Map<String, String> attrs);
  }

  /** Docker's event name of a node: its spec name, else its hostname. */
  static String nodeName(Node n) {
    if (n.spec().name() != null && !n.spec().name().isEmpty()) {
      return n.spec().name();
    }
    return n.description() == null ? "" : n.description().hostname();
  }

  /** dockerd's node update attributes: availability, role, state and leader, old and new, when they changed. */
  static void nodeChanges(Node before, Node after, Map<String, String> attrs) {
    oldNew(attrs, "availability", before.spec().availability().wire(), after.spec().availability().wire());
    oldNew(attrs, "role", before.spec().role().wire(), after.spec().role().wire());
    oldNew(attrs, "state", before.status().state().wire(), after.status().state().wire());
    ManagerStatus was = before.managerStatus();
    ManagerStatus now = after.managerStatus();
    if (was != null && now != null) {
      oldNew(attrs, "leader", Boolean.toString(was.leader()), Boolean.toString(now.leader()));
    }
  }

  /** dockerd's service update attributes: image and replicas, old and new, when they changed. */
  static void serviceChanges(Service before, Service after, Map<String, String> attrs) {
    oldNew(attrs, "image", before.spec().taskTemplate().containerSpec().image(),
        after.spec().taskTemplate().containerSpec().image());
    var oldMode = before.spec().mode().replicated();
    var newMode = after.spec().mode().replicated();
    if (oldMode != null && newMode != null) {
      oldNew(attrs, "replicas", Long.toString(oldMode.replicas()), Long.toString(newMode.replicas()));
    }
  }

  private static void oldNew(Map<String, String> attrs, String key, String before, String after) {
    if (!before.equals(after)) {
      attrs.put(key + ".old", before);
      attrs.put(key + ".new", after);
    }
  }

  private static <T> Map<String, T> byId(List<T> objects, Function<T, String> id) {
    Map<String, T> out = new HashMap<>();
    objects.forEach(o -> out.put(id.apply(o), o));
    return out;
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
  }
}
