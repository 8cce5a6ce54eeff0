package io.berth.cluster.dispatcher;

import io.berth.cluster.model.NodeRole;
import io.berth.cluster.ca.rotation.RotationReconciler;
import io.berth.cluster.ca.tls.ClusterTls;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.dispatcher.Messages.Assignments;
import io.berth.cluster.dispatcher.Messages.Empty;
import io.berth.cluster.dispatcher.Messages.HeartbeatReply;
import io.berth.cluster.dispatcher.Messages.LogFeed;
import io.berth.cluster.dispatcher.Messages.RootCa;
import io.berth.cluster.dispatcher.Messages.SessionCall;
import io.berth.cluster.state.ClusterState;
import io.berth.errdefs.NotFoundException;
import io.berth.errdefs.UnavailableException;
import io.grpc.Server;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The manager's end of manager-node traffic (swarmkit's dispatcher and node CA in one gRPC
 * service): joins, sessions with each node's assignments, heartbeats, task status reports and
 * certificate renewals, over mutual TLS with the cluster's certificates. Every manager serves
 * joins and renewals (their writes go through the replicated store); only the Raft leader keeps
 * sessions and heartbeats, and the others refuse those naming the leader so nodes move to it.
 * The leader also finishes a root CA rotation once every node has renewed ({@link RotationReconciler}).
 */
public final class DispatcherServer implements AutoCloseable {
  private final ClusterState state;
  private final NodeCredentials credentials;
  private final Leadership leadership;
  private final Clock clock;
  private final InetSocketAddress listen;
  private final Admission admission;
  private final Heartbeats heartbeats;
  private final SessionHub sessions;
  private final TaskStatusUpdates statusUpdates;
  private final LogBroker logs;
  private final LogFeedStream logFeeds;
  private final RotationReconciler rotation;
  private final NetworkAttacher attachments;
  private Server server;

  /**
   * @param state the cluster store as objects (this manager's member)
   * @param credentials this manager's node certificate, key and trusted roots (swapped on renewal)
   * @param leadership whether this manager leads (sessions and heartbeats only on the leader)
   * @param membership adds joining managers to the Raft group; null on a manager that cannot
   * @param clock time for certificates and heartbeat deadlines
   * @param listen where to listen (the swarm listen address, port 2377 by default; port 0 picks one)
   */
  public DispatcherServer(ClusterState state, NodeCredentials credentials, Leadership leadership,
      ManagerMembership membership, Clock clock, InetSocketAddress listen) {
    this.state = state;
    this.credentials = credentials;
    this.leadership = leadership;
    this.clock = clock;
    this.listen = listen;
    this.admission = new Admission(state, membership, clock);
    this.heartbeats = new Heartbeats(state, leadership, clock, this::lostLeadership);
    this.sessions = new SessionHub(state, heartbeats, this::logSubscriptionsOf);
    this.logs = new LogBroker(state, sessions);
    this.logFeeds = new LogFeedStream(logs);
    this.statusUpdates = new TaskStatusUpdates(state);
    this.rotation = new RotationReconciler(state, leadership::isLeader, clock);
    this.attachments = new NetworkAttacher(state, clock);
  }

  public synchronized DispatcherServer start() {
    ClusterTls tls = new ClusterTls(credentials, clock);
    TlsServerCredentials.Builder creds = TlsServerCredentials.newBuilder()
        .keyManager(tls.keyManager())
        .trustManager(new RefusedPeers(tls.trustManager(Set.of(NodeRole.MANAGER, NodeRole.WORKER))))
        // a joining node has no certificate yet: Caller.Interceptor requires one on every other call
        .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL);
    try {
      server = NettyServerBuilder.forAddress(listen, creds.build())
          .addService(ServerInterceptors.intercept(service(), new Caller.Interceptor()))
          .maxInboundMessageSize(DispatcherMethods.MAX_MESSAGE_BYTES)
          .permitKeepAliveTime(5, TimeUnit.SECONDS)
          .build()
          .start();
    } catch (IOException e) {
      throw new UnavailableException("cannot listen for swarm nodes on " + listen + ": " + e.getMessage(), e);
    }
    heartbeats.start();
    sessions.start();
    rotation.start();
    return this;
  }

  /** The port listened on (the one picked when asked for port 0). */
  public int port() {
    return server.getPort();
  }

  /** Whether this dispatcher has taken over as the leader's (sessions and heartbeat deadlines). */
  boolean leading() {
    return heartbeats.active();
  }

  private ServerServiceDefinition service() {
    return ServerServiceDefinition.builder(DispatcherMethods.SERVICE)
        .addMethod(DispatcherMethods.ROOT_CA, unary((Empty q) -> new RootCa(admission.rootPem()), false))
        .addMethod(DispatcherMethods.JOIN, ServerCalls.asyncUnaryCall((q, out) -> answer(out, () -> {
          var reply = admission.join(q, peerAddress());
          heartbeats.expect(reply.nodeId());
          return reply;
        }, false)))
        .addMethod(DispatcherMethods.JOIN_RAFT, unary(q -> admission.joinRaft(Caller.current(), q.raftAddr()), false))
        .addMethod(DispatcherMethods.RAFT_GROUP, unary((Empty q) -> admission.raftGroup(Caller.current()), false))
        .addMethod(DispatcherMethods.RENEW, unary(q -> admission.renew(Caller.current(), q.csr()), false))
        .addMethod(DispatcherMethods.HEARTBEAT, unary((Empty q) -> {
          Caller c = Caller.current();
          requireNode(c.nodeId());
          heartbeats.beat(c.nodeId(), c.address(), null);
          return new HeartbeatReply(heartbeats.period().toNanos());
        }, true))
        .addMethod(DispatcherMethods.UPDATE_TASK_STATUS, unary(q -> {
          statusUpdates.apply(Caller.current().nodeId(), q.updates());
          return new Empty();
        }, true))
        .addMethod(DispatcherMethods.NETWORKS_APPLIED, unary(q -> {
          sessions.networksApplied(Caller.current().nodeId(), q.seq());
          return new Empty();
        }, true))
        .addMethod(DispatcherMethods.PUBLISH_LOGS, unary(q -> {
          try {
            return logs.publish(Caller.current().nodeId(), q);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("the manager is shutting down");
          }
        }, true))
        .addMethod(DispatcherMethods.ATTACH_NETWORK, unary(q -> {
          Caller c = Caller.current();
          requireNode(c.nodeId());
          try {
            return attachments.attach(c.nodeId(), q);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("the manager is shutting down");
          }
        }, true))
        .addMethod(DispatcherMethods.RESOLVE_NETWORK, unary(q -> {
          requireNode(Caller.current().nodeId());
          return attachments.resolve(q.network());
        }, true))
        .addMethod(DispatcherMethods.DETACH_NETWORK, unary(q -> {
          attachments.detach(Caller.current().nodeId(), q);
          return new Empty();
        }, true))
        .addMethod(DispatcherMethods.SUBSCRIBE_LOGS, ServerCalls.asyncServerStreamingCall((q, out) -> {
          try {
            requireLeader();
            logFeeds.serve(Caller.current(), q, (ServerCallStreamObserver<LogFeed>) out);
          } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e));
          }
        }))
        .addMethod(DispatcherMethods.SESSION, ServerCalls.asyncServerStreamingCall(
            (q, out) -> openSession(q, (ServerCallStreamObserver<Assignments>) out)))
        .build();
  }

  private void openSession(SessionCall q, ServerCallStreamObserver<Assignments> out) {
    try {
      requireLeader();
      Caller c = Caller.current();
      requireNode(c.nodeId());
      if (out.isCancelled()) {
        // a node cancels a session to reopen it with newer TLS material; calls are handled on
        // several threads, so this open may run after the newer one: its description is stale
        return;
      }
      heartbeats.beat(c.nodeId(), c.address(), q.description());
      sessions.open(c.nodeId(), out);
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
    }
  }

  private interface Handler<Q, A> {
    A handle(Q request);
  }

  private <Q, A> ServerCallHandler<Q, A> unary(Handler<Q, A> handler, boolean leaderOnly) {
    return ServerCalls.asyncUnaryCall((q, out) -> answer(out, () -> handler.handle(q), leaderOnly));
  }

  private <A> void answer(StreamObserver<A> out, Supplier<A> work, boolean leaderOnly) {
    A reply;
    try {
      if (leaderOnly) {
        requireLeader();
      }
      reply = work.get();
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
      return;
    }
    out.onNext(reply);
    out.onCompleted();
  }

  private void requireLeader() {
    if (!leadership.isLeader()) {
      throw GrpcErrors.notLeader(leadership.leaderId().flatMap(id -> Managers.addressOf(state, id)));
    }
  }

  private void requireNode(String nodeId) {
    if (state.node(nodeId).isEmpty()) {
      throw new NotFoundException("node " + nodeId + " is not a member of this swarm (it was removed)");
    }
  }

  private static String peerAddress() {
    return Caller.REMOTE_ADDR.get();
  }

  private java.util.List<Messages.LogSubscription> logSubscriptionsOf(String nodeId) {
    return logs.forNode(nodeId);
  }

  private void lostLeadership() {
    logs.closeAll();
    sessions.closeAll(GrpcErrors.notLeader(leadership.leaderId().flatMap(id -> Managers.addressOf(state, id))));
  }

  @Override
  public synchronized void close() {
    rotation.close();
    heartbeats.close();
    sessions.close();
    logs.closeAll();
    if (server != null) {
      sessions.closeAll(
          Status.UNAVAILABLE.withDescription("the manager's dispatcher is shutting down").asRuntimeException());
      server.shutdown();
      try {
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
          server.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        server.shutdownNow();
      }
    }
  }
}
