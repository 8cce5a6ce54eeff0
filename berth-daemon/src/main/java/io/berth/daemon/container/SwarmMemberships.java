package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.daemon.container.Container.NetworkAttachment;
import io.berth.daemon.network.NetworkRecord;
import io.berth.daemon.network.NetworkService;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain container's memberships in swarm overlays ({@code docker run --network OVERLAY},
 * {@code network connect}), held as Docker holds them: the membership is recorded at create (or
 * connect), the managers checking then that the overlay exists and is attachable, but the address
 * is taken only when the container starts (through this node's session, {@link Attacher}, this
 * node's copy of the overlay made at once) and given back when its process exits, so a created
 * or stopped container holds none and a restarted one may get another. Removal and disconnect
 * give back anything still held. A swarm task's container is not one of these: it joins at the
 * address its task was allocated.
 */
public final class SwarmMemberships {
  private static final Logger LOG = LoggerFactory.getLogger(SwarmMemberships.class);
  /** The label a swarm task's container carries (the task package's TASK_ID). */
  static final String TASK_LABEL = "com.docker.swarm.task.id";

  /** The managers' side of attachments, as this node reaches them. */
  public interface Attacher {
    Attacher NONE = new Attacher() {
      @Override
      public Optional<Resolved> resolve(String network) {
        return Optional.empty();
      }

      @Override
      public Optional<Attached> attach(String network, String containerId, List<String> aliases) {
        return Optional.empty();
      }

      @Override
      public void detach(String containerId, String networkId) {}
    };

    /**
     * The swarm network {@code network} (name or id) names, when plain containers may join it
     * (refused with Docker's texts otherwise); empty when this node is in no swarm. Allocates nothing.
     */
    Optional<Resolved> resolve(String network);

    /**
     * Attaches {@code containerId} to the swarm network {@code network} (name or id) with
     * {@code aliases} (its name first), the node's copy of the network made; empty when this
     * node is in no swarm.
     */
    Optional<Attached> attach(String network, String containerId, List<String> aliases);

    /** Gives the container's address on {@code networkId} back (nothing when it holds none). */
    void detach(String containerId, String networkId);
  }

  /** A swarm network a container may join: its id (its local copy's too) and name. */
  public record Resolved(String networkId, String name) {}

  /** An attachment: the swarm network's id (its local copy's too) and the address, no prefix. */
  public record Attached(String networkId, String address) {}

  private final NetworkService networks;
  private volatile Attacher attacher = Attacher.NONE;
  /** Containers that took addresses since their last start and have not given them back (see {@link #mayHold}). */
  private final Set<String> holding = ConcurrentHashMap.newKeySet();

  SwarmMemberships(NetworkService networks) {
    this.networks = networks;
  }

  void attacher(Attacher value) {
    attacher = value;
  }

  /** True when {@code c} joins {@code local} (null: no network of this engine is named so) through the swarm. */
  boolean applies(Container c, NetworkRecord local) {
    if (c.labels().containsKey(TASK_LABEL)) {
      return false;
    }
    return local == null ? attacher != Attacher.NONE : local.driver().equals(NetworkService.OVERLAY);
  }

  /**
   * The swarm network {@code ref} names, checked by the managers, as a record of this engine's
   * shape (its copy may not be here: it is made at start); empty when this node is in no swarm.
   * {@code cfg} is the membership's endpoint config: a fixed address is refused by name.
   */
  Optional<NetworkRecord> resolve(String ref, JsonNode cfg) {
    String fixed = cfg == null ? "" : cfg.path("IPAMConfig").path("IPv4Address").asText("");
    if (!fixed.isEmpty()) {
      throw new InvalidArgumentException("a fixed address (--ip " + fixed + ") on swarm network " + ref
          + " is not supported: the managers allocate the container's address");
    }
    return attacher.resolve(ref).map(r -> record(r.networkId(), r.name()));
  }

  /** The swarm network {@code id} named {@code name} as a record of this engine's shape, for a node without its copy. */
  static NetworkRecord record(String id, String name) {
    return new NetworkRecord(id, name, NetworkService.OVERLAY, "", null, null, null, false, true, Map.of(), Map.of());
  }

  /**
   * Takes {@code c}'s address on the swarm network of its membership {@code a} (named
   * {@code name}) from the managers, at start; the node's copy of the network is there once
   * this returns. Fails when this node is in no swarm (any more).
   */
  String claim(Container c, String name, NetworkAttachment a) {
    List<String> aliases = new ArrayList<>();
    aliases.add(c.name);
    a.aliases().stream().filter(x -> !aliases.contains(x)).forEach(aliases::add);
    holding.add(c.id); // before the managers are asked: they may answer and this node not hear it
    try {
      return attacher.attach(a.networkId(), c.id, aliases)
          .orElseThrow(() -> new NotFoundException("network " + name + " not found: this node is in no swarm"))
          .address();
    } catch (NotFoundException e) {
      // by the name the container knows it, not the id it is asked by
      throw e.getMessage().contains(a.networkId()) ? new NotFoundException("network " + name + " not found") : e;
    }
  }

  /**
   * Whether {@code c} may hold addresses on swarm networks: it runs (or is restarting), or its
   * start took some and they were not given back yet (the start is still under way). The
   * managers' attachments of any other container are stale (a detach that failed) and may be
   * given back.
   */
  boolean mayHold(Container c) {
    return c.state.running() || holding.contains(c.id);
  }

  /** True when {@code c}'s membership {@code a} came from the swarm (see {@link #release}). */
  boolean attached(Container c, NetworkAttachment a) {
    if (c.labels().containsKey(TASK_LABEL)) {
      return false;
    }
    try {
      return networks.find(a.networkId()).driver().equals(NetworkService.OVERLAY);
    } catch (NotFoundException e) {
      return true; // this node's copy is not here (yet, or any more): only the swarm has such a network
    }
  }

  /** Gives back whatever addresses {@code c}'s swarm memberships hold (its process exited, or it is removed). */
  void release(Container c) {
    holding.remove(c.id);
    if (c.networks == null) {
      return;
    }
    for (NetworkAttachment a : c.networks.values()) {
      if (attached(c, a)) {
        detach(c, a.networkId());
      }
    }
  }

  void detach(Container c, String networkId) {
    try {
      attacher.detach(c.id, networkId);
    } catch (RuntimeException e) {
      LOG.warn("container {} not detached from swarm network {}: {}", c.id, networkId, e.getMessage());
    }
  }
}
