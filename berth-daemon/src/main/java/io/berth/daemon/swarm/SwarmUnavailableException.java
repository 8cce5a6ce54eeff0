package io.berth.daemon.swarm;

/**
 * The node is not in the swarm state a request needs. Docker answers these with HTTP 503 (its
 * "not available" kind), which none of Berth's errdefs kinds maps to (Unavailable is 500 there,
 * for a missing runtime), so the router maps this one to 503. Each factory is Docker's exact text.
 */
public final class SwarmUnavailableException extends RuntimeException {
  public SwarmUnavailableException(String message) {
    super(message);
  }

  /** Any cluster request on a node that is in no swarm. */
  public static SwarmUnavailableException notInSwarm() {
    return new SwarmUnavailableException("This node is not a swarm manager. Use \"docker swarm init\" or "
        + "\"docker swarm join\" to connect this node to swarm and try again.");
  }

  /** A cluster request on a worker. */
  public static SwarmUnavailableException notManager() {
    return new SwarmUnavailableException("This node is not a swarm manager. Worker nodes can't be used to view "
        + "or modify cluster state. Please run this command on a manager node or promote the current node to a manager.");
  }

  /** {@code swarm init} or {@code join} on a node that is in a swarm. */
  public static SwarmUnavailableException alreadyInSwarm() {
    return new SwarmUnavailableException("This node is already part of a swarm. Use \"docker swarm leave\" to "
        + "leave this swarm and join another one.");
  }

  /** {@code swarm leave} on a node that is in no swarm. */
  public static SwarmUnavailableException notPartOfSwarm() {
    return new SwarmUnavailableException("This node is not part of a swarm");
  }

  /** A request on a manager whose keys are locked (autolock) and not unlocked since it started. */
  public static SwarmUnavailableException locked() {
    return new SwarmUnavailableException("Swarm is encrypted and needs to be unlocked before it can be used. "
        + "Please use \"docker swarm unlock\" to unlock it.");
  }
}
