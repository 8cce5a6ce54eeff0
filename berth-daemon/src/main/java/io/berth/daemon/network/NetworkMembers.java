package io.berth.daemon.network;

import io.berth.network.Endpoint;
import java.util.List;

/**
 * Which containers have an endpoint on a network. The container side answers (it knows the
 * containers and their memberships), so this package asks through this interface rather than
 * depending on the container package, which depends on it.
 */
public interface NetworkMembers {

  /** A container attached to a network: its id, its name and its endpoint there. */
  record Member(String containerId, String name, Endpoint endpoint) {}

  /** The containers with an endpoint on {@code network}, in no particular order. */
  List<Member> attached(NetworkRecord network);
}
