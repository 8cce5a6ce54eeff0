package io.berth.network;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One network of a {@link NetworkDriver}: its address pool and the sandboxes joined to it.
 * The network is the owner of its endpoints and their published ports; callers ask it rather
 * than keeping copies. Every operation is idempotent, so a caller that failed half-way may
 * repeat it.
 */
public interface Network {

  /**
   * Joins the sandbox (its namespace made by {@link Sandboxes}, or made here when missing) with
   * interface {@code attach.ifName()} and an address of this network's pool. Joining again with
   * the same request gives the same endpoint. On failure nothing of this attachment is left
   * behind; the namespace stays if it existed.
   */
  Endpoint attach(String sandboxId, Attach attach);

  /** Removes the sandbox's link, published ports and address; its namespace stays. Idempotent. */
  void detach(String sandboxId);

  /**
   * As {@link #detach}, for a sandbox whose namespace is deleted next (its run is over): the
   * host side of its link may go a moment later, off the caller's path. Idempotent.
   */
  default void release(String sandboxId) {
    detach(sandboxId);
  }

  /**
   * Publishes ports of an attached sandbox, replacing what it published before: resolves host
   * port 0 to a free ephemeral port, refuses ports another sandbox of the daemon or a host
   * process holds (ConflictException naming the port), and returns the ports as published.
   */
  List<PortBinding> publish(String sandboxId, List<PortBinding> requested);

  /** Withdraws every port the sandbox published; its endpoint stays. */
  default void unpublish(String sandboxId) {
    publish(sandboxId, List.of());
  }

  /** The sandbox's endpoint on this network, if it is attached. */
  Optional<Endpoint> endpoint(String sandboxId);

  /** The ports the sandbox publishes through this network (empty when none or not attached). */
  List<PortBinding> published(String sandboxId);

  /** Every sandbox's published ports, by sandbox id; read without this network's lock. */
  Map<String, List<PortBinding>> published();

  /** Removes the network's kernel state (the daemon checked that no endpoint is left). */
  void delete();

  /** Subnet in CIDR notation and gateway address, for inspect and info. */
  String subnet();

  String gateway();

  /** True for {@code --internal} networks: no outbound traffic, no default route. */
  boolean internal();
}
