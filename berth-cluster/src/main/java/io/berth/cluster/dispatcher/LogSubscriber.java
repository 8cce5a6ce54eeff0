package io.berth.cluster.dispatcher;

import io.berth.cluster.model.NodeRole;
import io.berth.cluster.ca.tls.ClusterTls;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.ca.tls.NodeKeyManager;
import io.berth.cluster.dispatcher.Messages.LogFeed;
import io.berth.cluster.dispatcher.Messages.SubscribeLogsCall;
import io.berth.cluster.state.ClusterState;
import io.berth.errdefs.UnavailableException;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.time.Clock;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A manager reading service logs: only the leader holds the nodes' sessions, so every manager
 * (the leader too, through its own listener, one code path) subscribes at the leader's
 * dispatcher with its manager certificate and reads the feed as it comes. gRPC's flow control
 * reaches back to the leader's bounded queue, so a slow HTTP client slows the nodes down instead
 * of filling memory.
 */
public final class LogSubscriber {
  private final ClusterState state;
  private final Leadership leadership;
  private final NodeCredentials credentials;
  private final Clock clock;

  public LogSubscriber(ClusterState state, Leadership leadership, NodeCredentials credentials, Clock clock) {
    this.state = state;
    this.leadership = leadership;
    this.credentials = credentials;
    this.clock = clock;
  }

  /**
   * Hands each feed to {@code feed} until the leader ends the subscription or {@code feed}
   * answers false (the reader left; the subscription ends on every node). A follower the leader
   * moved from is tried once more at the leader it names. Interrupting the reading thread
   * cancels the subscription (InterruptedException).
   */
  public void read(SubscribeLogsCall call, Predicate<LogFeed> feed) throws InterruptedException {
    String leader = leaderAddress().orElseThrow(() -> new UnavailableException(
        "service logs: no swarm leader is known to read the nodes' logs through"));
    try {
      readAt(leader, call, feed);
    } catch (StatusRuntimeException e) {
      Optional<String> moved = GrpcErrors.leaderOf(e).filter(a -> !a.equals(leader));
      if (moved.isEmpty()) {
        throw GrpcErrors.fromStatus(e, "reading service logs through the leader at " + leader);
      }
      try {
        readAt(moved.get(), call, feed);
      } catch (StatusRuntimeException again) {
        throw GrpcErrors.fromStatus(again, "reading service logs through the leader at " + moved.get());
      }
    }
  }

  private void readAt(String address, SubscribeLogsCall call, Predicate<LogFeed> feed) throws InterruptedException {
    ManagedChannel ch = Channels.open(address, new NodeKeyManager(credentials),
        new ClusterTls(credentials, clock).trustManager(Set.of(NodeRole.MANAGER)));
    ClientCall<SubscribeLogsCall, LogFeed> c = ch.newCall(DispatcherMethods.SUBSCRIBE_LOGS, CallOptions.DEFAULT);
    try {
      Iterator<LogFeed> feeds = ClientCalls.blockingServerStreamingCall(c, call);
      while (feeds.hasNext()) {
        if (Thread.interrupted()) {
          throw new InterruptedException("service logs: reading interrupted");
        }
        if (!feed.test(feeds.next())) {
          return;
        }
      }
    } catch (StatusRuntimeException e) {
      if (Thread.interrupted()) { // gRPC cancels the call on an interrupt and keeps the flag set
        throw new InterruptedException("service logs: the reader was interrupted");
      }
      throw e;
    } finally {
      c.cancel("the service log reader is done", null);
      Channels.close(ch);
    }
  }

  private Optional<String> leaderAddress() {
    return leadership.leaderId().flatMap(id -> Managers.addressOf(state, id));
  }
}
