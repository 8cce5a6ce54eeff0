package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.daemon.container.Container.NetworkAttachment;
import io.berth.daemon.network.NetworkRecord;
import io.berth.daemon.network.NetworkService;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain container's memberships in swarm overlays ({@code docker run --network OVERLAY},
 * {@code network connect}): the managers give it an address on an attachable overlay (through
 * this node's session, {@link Attacher}) and this node's copy of the overlay is made at once;
 * its removal or disconnect gives the address back. A swarm task's container is not one of
 * these: it joins at the address its task was allocated. The address is held from create (or
 * connect) to removal (or disconnect), not only while the container runs as in Docker.
 */
public final class SwarmMemberships {
  private static final Logger LOG = LoggerFactory.getLogger(SwarmMemberships.class);
  /** The label a swarm task's container carries (the task package's TASK_ID). */
  static final String TASK_LABEL = "com.docker.swarm.task.id";

  /** The managers' side of attachments, as this node reaches them. */
  public interface Attacher {
    Attacher NONE = new Attacher() {
      @Override
      public Optional<Attached> attach(String network, String containerId, List<String> aliases) {
        return Optional.empty();
      }

      @Override
      public void detach(String containerId, String networkId) {}
    };

    /**
     * Attaches {@code containerId} to the swarm network {@code network} (name or id) with
     * {@code aliases} (its name first), the node's copy of the network made; empty when this
     * node is in no swarm.
     */
    Optional<Attached> attach(String network, String containerId, List<String> aliases);

    /** Gives the container's address on {@code networkId} back (nothing when it holds none). */
    void detach(String containerId, String networkId);
  }

  /** An attachment: the swarm network's id (its local copy's too) and the address, no prefix. */
  public record Attached(String networkId, String address) {}

  private final NetworkService networks;
  private volatile Attacher attacher = Attacher.NONE;

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
   * {@code c}'s membership in the swarm network {@code ref}, its address allocated by the
   * managers; empty when this node is in no swarm. {@code parse} reads the aliases and links
   * of {@code cfg} as for any network.
   */
  Optional<NetworkAttachment> attach(Container c, String ref, JsonNode cfg,
      java.util.function.BiFunction<NetworkRecord, JsonNode, NetworkAttachment> parse) {
    String fixed = cfg == null ? "" : cfg.path("IPAMConfig").path("IPv4Address").asText("");
    if (!fixed.isEmpty()) {
      throw new InvalidArgumentException("a fixed address (--ip " + fixed + ") on swarm network " + ref
          + " is not supported: the managers allocate the container's address");
    }
    List<String> aliases = new ArrayList<>();
    aliases.add(c.name);
    if (cfg != null) {
      cfg.path("Aliases").forEach(a -> {
        if (!a.asText().isEmpty() && !aliases.contains(a.asText())) {
          aliases.add(a.asText());
        }
      });
    }
    Optional<Attached> at = attacher.attach(ref, c.id, aliases);
    if (at.isEmpty()) {
      return Optional.empty();
    }
    try {
      NetworkAttachment a = parse.apply(networks.find(at.get().networkId()), cfg);
      return Optional.of(new NetworkAttachment(a.networkId(), a.aliases(), at.get().address(), a.links()));
    } catch (RuntimeException e) {
      detach(c, at.get().networkId());
      throw e;
    }
  }

  /** True when {@code c}'s membership {@code a} came from the swarm (see {@link #release}). */
  boolean attached(Container c, NetworkAttachment a) {
    if (c.labels().containsKey(TASK_LABEL)) {
      return false;
    }
    try {
      return networks.find(a.networkId()).driver().equals(NetworkService.OVERLAY);
    } catch (NotFoundException e) {
      return true; // this node's copy is gone already: the managers may still hold the address
    }
  }

  /** Gives back the addresses of {@code c}'s swarm memberships (at removal, or a create that failed). */
  void release(Container c) {
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
