package io.berth.cluster.dispatcher;

import io.berth.cluster.control.NetworkControl;
import io.berth.cluster.dispatcher.Messages.AttachNetworkCall;
import io.berth.cluster.dispatcher.Messages.AttachNetworkReply;
import io.berth.cluster.dispatcher.Messages.DetachNetworkCall;
import io.berth.cluster.model.Network;
import io.berth.cluster.model.NetworkAttachment;
import io.berth.cluster.model.NetworkAttachmentConfig;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import io.berth.cluster.model.Version;
import io.berth.cluster.network.NetworkView;
import io.berth.cluster.network.NetworkViews;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.state.Ids;
import io.berth.errdefs.ForbiddenException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The managers' end of {@code docker run --network OVERLAY} on any node (swarmkit's resource
 * allocator RPCs): the node's container gets an attachment task on that node, which the
 * allocator gives an address; the call waits (bounded) for it and answers the address with the
 * network as the node needs it. Only attachable overlays take such containers (Docker's
 * PermissionDenied text otherwise); {@link #resolve} checks that much, allocating nothing, for a
 * container created (or connected) before it starts. Detach deletes the task, which frees the
 * address. A node asking again for the same container and network gets the task it already has.
 */
final class NetworkAttacher {
  /** How long an attach waits for the allocator (a pass follows every store change at once). */
  static final Duration WAIT = Duration.ofSeconds(10);

  private final ClusterState state;
  private final Clock clock;

  NetworkAttacher(ClusterState state, Clock clock) {
    this.state = state;
    this.clock = clock;
  }

  AttachNetworkReply attach(String nodeId, AttachNetworkCall q) throws InterruptedException {
    if (q.containerId() == null || q.containerId().isEmpty()) {
      throw new InvalidArgumentException("attaching to network " + q.network() + ": no container id given");
    }
    Network n = attachable(q.network());
    Task t = existing(nodeId, q.containerId(), n.id()).orElseGet(() -> create(nodeId, q, n));
    long deadline = System.nanoTime() + WAIT.toNanos();
    long index = state.store().index();
    while (true) {
      Optional<Task> now = state.task(t.id());
      if (now.isEmpty()) {
        throw new UnavailableException("the attachment of container " + q.containerId() + " to network "
            + n.spec().name() + " was removed while it was made");
      }
      Optional<String> address = address(now.get(), n.id());
      if (address.isPresent()) {
        NetworkView view = NetworkViews.of(state.snapshot()).forNode(nodeId);
        NetworkView.AttachedNetwork attached = view.networks().stream().filter(a -> a.id().equals(n.id()))
            .findFirst().orElseThrow(() -> new UnavailableException("network " + n.spec().name()
                + " is not in the view of node " + nodeId + " yet"));
        return new AttachNetworkReply(t.id(), address.get(), view.underlay(), attached);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        String why = now.get().status().err();
        state.batch().delete(ClusterState.TASKS, t.id()).apply();
        throw new UnavailableException("container " + q.containerId() + " got no address on network "
            + n.spec().name() + " within " + WAIT.toSeconds() + "s" + (why == null || why.isEmpty() ? "" : ": " + why));
      }
      index = state.store().awaitIndex(index, Duration.ofNanos(Math.min(left, 200_000_000L)));
    }
  }

  /** The network {@code ref} names when plain containers may join it (the same refusals as {@link #attach}). */
  Messages.ResolveNetworkReply resolve(String ref) {
    Network n = attachable(ref);
    return new Messages.ResolveNetworkReply(n.id(), n.spec().name());
  }

  private Network attachable(String ref) {
    Network n = new NetworkControl(state, clock).inspect(ref);
    if (n.spec().ingress() || !n.spec().attachable()) {
      throw new ForbiddenException("network " + ref + " not manually attachable");
    }
    return n;
  }

  void detach(String nodeId, DetachNetworkCall q) {
    existing(nodeId, q.containerId(), q.networkId())
        .ifPresent(t -> state.batch().delete(ClusterState.TASKS, t.id()).apply());
  }

  private Task create(String nodeId, AttachNetworkCall q, Network n) {
    Instant now = clock.instant();
    Task t = new Task(Ids.newId(), Version.ZERO, now, now,
        TaskSpec.attachment(q.containerId(), new NetworkAttachmentConfig(n.id(), q.aliases(), null)), "", 0, nodeId,
        new TaskStatus(now, TaskState.NEW, "created", null), TaskState.RUNNING, null);
    state.batch().create(t).apply();
    return t;
  }

  private Optional<Task> existing(String nodeId, String containerId, String networkId) {
    return state.tasksOnNode(nodeId).stream()
        .filter(t -> t.isAttachment() && t.spec().networkAttachmentSpec().containerId().equals(containerId)
            && t.spec().networks().stream().anyMatch(c -> c.target().equals(networkId)))
        .findFirst();
  }

  private static Optional<String> address(Task t, String networkId) {
    if (t.status().state().compareTo(TaskState.ASSIGNED) < 0) {
      return Optional.empty();
    }
    return t.networksAttachments().stream().filter(a -> a.network() != null && a.network().id().equals(networkId))
        .map(NetworkAttachment::addresses).filter(a -> !a.isEmpty()).map(a -> a.getFirst()).findFirst();
  }
}
