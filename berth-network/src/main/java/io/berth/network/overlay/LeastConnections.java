package io.berth.network.overlay;

import io.berth.network.Conntrack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the least-connections services of this node on their least-loaded backends. The data
 * path stays nftables' round robin; what this adds is the list it runs over: every
 * {@link #INTERVAL} it counts each balancing point's live connections per backend in that
 * point's own conntrack table (a sandbox's for its VIPs, this namespace's for the routing mesh)
 * and, when the least-loaded set of a service changed, replaces that point's rules in one
 * transaction with the service balanced over that set only (conntrack keeps running connections
 * where they are). Between two evaluations new connections go round robin over the set chosen
 * last; it is least connections re-evaluated a few times a second, not per connection as HAProxy.
 *
 * <p>Every call that sets a point's services applies them at once (narrowed by the last counts
 * known there: a new backend counts zero and gets the next connections). Only points with a
 * least-connections service of two or more backends are watched; the thread runs while there is
 * one and ends when the last goes. A tick does one conntrack dump per watched point.
 */
public final class LeastConnections {
  private static final Logger LOG = LoggerFactory.getLogger(LeastConnections.class);
  /** How often the choice is re-evaluated. */
  public static final Duration INTERVAL = Duration.ofMillis(300);

  /** What is applied at one balancing point, and from which counts. */
  private record Point<S>(List<S> services, List<S> applied, Map<String, Integer> counts) {}

  private final ServiceBalancer balancer;
  private final Function<Path, Map<String, Integer>> counter;
  private final Map<String, Point<VirtualService>> sandboxes = new HashMap<>();
  private Point<MeshService> mesh;
  private RoutingMesh meshRules;
  private String meshAddress;
  private final boolean ticking;
  private Thread thread;
  /** Whether a failure to count was logged already (once: a missing tool would repeat it every tick). */
  private volatile boolean warned;

  /** Re-evaluates on its own thread every {@link #INTERVAL}. */
  public LeastConnections(ServiceBalancer balancer) {
    this(balancer, Conntrack::liveByReplySource, true);
  }

  /**
   * @param counter live connections by backend address in a namespace (null: this one)
   * @param ticking false: no thread, a test calls {@link #tick} itself
   */
  LeastConnections(ServiceBalancer balancer, Function<Path, Map<String, Integer>> counter, boolean ticking) {
    this.balancer = balancer;
    this.counter = counter;
    this.ticking = ticking;
  }

  /** Sets the virtual services of the sandbox at {@code netns} and applies them now. */
  public synchronized void sandbox(String netns, List<VirtualService> services) {
    Point<VirtualService> was = sandboxes.remove(netns);
    Map<String, Integer> counts = was == null ? Map.of() : was.counts();
    List<VirtualService> narrowed = narrowVips(services, counts);
    balancer.apply(netns, narrowed);
    if (watched(services.stream().map(s -> s.balancing() == Balancing.LEAST_CONNECTIONS ? s.backends().size() : 0))) {
      sandboxes.put(netns, new Point<>(services, narrowed, counts));
      wake();
    }
  }

  /** The sandbox at {@code netns} is going away: nothing of it to watch (its rules go with it). */
  public synchronized void forget(String netns) {
    sandboxes.remove(netns);
  }

  /** Sets the routing mesh's services and applies them now through {@code rules}. */
  public synchronized void mesh(RoutingMesh rules, String ingressAddress, List<MeshService> services) {
    Map<String, Integer> counts = mesh == null || rules != meshRules ? Map.of() : mesh.counts();
    mesh = null; // a tick must not re-apply the services this call replaces, even if it fails
    List<MeshService> narrowed = narrowMesh(services, counts);
    rules.apply(ingressAddress, narrowed);
    meshRules = rules;
    meshAddress = ingressAddress;
    if (watched(services.stream().map(s -> s.balancing() == Balancing.LEAST_CONNECTIONS ? s.backends().size() : 0))) {
      mesh = new Point<>(services, narrowed, counts);
      wake();
    }
  }

  /** The routing mesh is gone from this node: nothing of it to watch. */
  public synchronized void meshGone() {
    mesh = null;
    meshRules = null;
  }

  private static boolean watched(java.util.stream.Stream<Integer> leastConnBackends) {
    return leastConnBackends.anyMatch(n -> n > 1);
  }

  /** Each least-connections service over its least-loaded backends; the others as they are. */
  static List<VirtualService> narrowVips(List<VirtualService> services, Map<String, Integer> counts) {
    return services.stream().map(s -> s.balancing() == Balancing.LEAST_CONNECTIONS
        ? s.over(LeastLoaded.of(s.backends(), b -> b, counts)) : s).toList();
  }

  static List<MeshService> narrowMesh(List<MeshService> services, Map<String, Integer> counts) {
    return services.stream().map(s -> s.balancing() == Balancing.LEAST_CONNECTIONS
        ? s.over(LeastLoaded.of(s.backends(), MeshBackend::ip, counts)) : s).toList();
  }

  private void wake() {
    if (ticking && thread == null) {
      thread = Thread.ofPlatform().daemon().name("least-connections").start(this::run);
    }
  }

  private void run() {
    while (true) {
      try {
        Thread.sleep(INTERVAL);
      } catch (InterruptedException e) {
        return;
      }
      synchronized (this) {
        if (sandboxes.isEmpty() && mesh == null) {
          thread = null;
          return;
        }
      }
      tick();
    }
  }

  /** One evaluation of every watched point: counts outside the lock, rules under it. */
  void tick() {
    Map<String, Point<VirtualService>> vips;
    Point<MeshService> meshNow;
    synchronized (this) {
      vips = new HashMap<>(sandboxes);
      meshNow = mesh;
    }
    vips.forEach((netns, point) -> {
      Map<String, Integer> counts = count(Path.of(netns));
      synchronized (this) {
        if (counts == null) {
          if (!Files.exists(Path.of(netns))) {
            sandboxes.remove(netns, point); // the sandbox is gone
          }
          return;
        }
        if (sandboxes.get(netns) != point) {
          return; // set anew meanwhile, from a newer view
        }
        List<VirtualService> narrowed = narrowVips(point.services(), counts);
        if (!narrowed.equals(point.applied())) {
          try {
            balancer.apply(netns, narrowed);
          } catch (RuntimeException e) {
            LOG.warn("least-connections choice not applied in {}: {}", netns, e.getMessage());
            narrowed = point.applied();
          }
        }
        sandboxes.put(netns, new Point<>(point.services(), narrowed, counts));
      }
    });
    if (meshNow != null) {
      Map<String, Integer> counts = count(null);
      synchronized (this) {
        if (counts == null || mesh != meshNow) {
          return;
        }
        List<MeshService> narrowed = narrowMesh(meshNow.services(), counts);
        if (!narrowed.equals(meshNow.applied())) {
          try {
            meshRules.apply(meshAddress, narrowed);
          } catch (RuntimeException e) {
            LOG.warn("least-connections choice not applied to the routing mesh: {}", e.getMessage());
            narrowed = meshNow.applied();
          }
        }
        mesh = new Point<>(meshNow.services(), narrowed, counts);
      }
    }
  }

  private Map<String, Integer> count(Path netns) {
    try {
      return counter.apply(netns);
    } catch (RuntimeException e) {
      String where = netns == null ? "this namespace" : netns.toString();
      if (netns == null || Files.exists(netns)) {
        if (!warned) {
          LOG.warn("least-connections balancing cannot count connections in {} (round robin over the last"
              + " choice until it can): {}", where, e.getMessage());
        }
        warned = true;
      }
      return null;
    }
  }
}
