package io.berth.daemon.overlay;

import io.berth.cluster.dispatcher.DispatcherSession;
import io.berth.cluster.dispatcher.Messages.AttachNetworkCall;
import io.berth.cluster.dispatcher.Messages.AttachNetworkReply;
import io.berth.cluster.dispatcher.Messages.ResolveNetworkReply;
import io.berth.daemon.container.SwarmMemberships;
import io.berth.errdefs.ForbiddenException;
import io.berth.errdefs.NotFoundException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * This node's end of attaching a plain container to a swarm overlay: asks the managers through
 * the node's session (its own certificate) whether the overlay takes it (at create or connect)
 * and for its address (at start), refuses with Docker's texts, and sets the overlay up here from
 * the answer at once. A node in no swarm attaches nothing (the name is then simply no
 * network of this engine).
 */
public final class SwarmAttacher implements SwarmMemberships.Attacher {
  private final Supplier<Optional<DispatcherSession>> session;
  private final NodeOverlays overlays;

  /** {@code session}: this node's session with the managers, empty while it is in no swarm. */
  public SwarmAttacher(Supplier<Optional<DispatcherSession>> session, NodeOverlays overlays) {
    this.session = session;
    this.overlays = overlays;
  }

  @Override
  public Optional<SwarmMemberships.Resolved> resolve(String network) {
    return session.get().map(s -> {
      ResolveNetworkReply reply = refusedAsDocker(network, () -> s.resolveNetwork(network));
      return new SwarmMemberships.Resolved(reply.id(), reply.name());
    });
  }

  @Override
  public Optional<SwarmMemberships.Attached> attach(String network, String containerId, List<String> aliases) {
    Optional<DispatcherSession> s = session.get();
    if (s.isEmpty()) {
      return Optional.empty();
    }
    AttachNetworkReply reply = refusedAsDocker(network,
        () -> s.get().attachNetwork(new AttachNetworkCall(network, containerId, aliases)));
    try {
      overlays.ensure(reply.network(), reply.underlay());
    } catch (RuntimeException e) {
      detach(containerId, reply.network().id());
      throw e;
    }
    String address = reply.address();
    int slash = address.indexOf('/');
    return Optional.of(new SwarmMemberships.Attached(reply.network().id(),
        slash < 0 ? address : address.substring(0, slash)));
  }

  /** {@code call}'s answer; the managers' refusals with the daemon's text around them, as Docker prints it. */
  private static <T> T refusedAsDocker(String network, Supplier<T> call) {
    try {
      return call.get();
    } catch (ForbiddenException e) {
      throw new ForbiddenException("Could not attach to network " + network
          + ": rpc error: code = PermissionDenied desc = " + e.getMessage());
    } catch (NotFoundException e) {
      throw new NotFoundException("network " + network + " not found");
    }
  }

  @Override
  public void detach(String containerId, String networkId) {
    session.get().ifPresent(s -> s.detachNetwork(containerId, networkId));
  }
}
