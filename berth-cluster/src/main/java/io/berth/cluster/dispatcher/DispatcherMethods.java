package io.berth.cluster.dispatcher;

import io.berth.cluster.dispatcher.Messages.Assignments;
import io.berth.cluster.dispatcher.Messages.Empty;
import io.berth.cluster.dispatcher.Messages.HeartbeatReply;
import io.berth.cluster.dispatcher.Messages.JoinCall;
import io.berth.cluster.dispatcher.Messages.JoinRaftCall;
import io.berth.cluster.dispatcher.Messages.LogFeed;
import io.berth.cluster.dispatcher.Messages.PublishLogsCall;
import io.berth.cluster.dispatcher.Messages.PublishLogsReply;
import io.berth.cluster.dispatcher.Messages.SubscribeLogsCall;
import io.berth.cluster.dispatcher.Messages.JoinReply;
import io.berth.cluster.dispatcher.Messages.RaftGroup;
import io.berth.cluster.dispatcher.Messages.RenewCall;
import io.berth.cluster.dispatcher.Messages.RenewReply;
import io.berth.cluster.dispatcher.Messages.RootCa;
import io.berth.cluster.dispatcher.Messages.SessionCall;
import io.berth.cluster.dispatcher.Messages.StatusUpdate;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import java.util.Set;

/**
 * The dispatcher's RPCs as gRPC method descriptors, shared by server and client so both agree on
 * names, kinds and codecs. Only {@link #ROOT_CA} and {@link #JOIN} are open to a caller without a
 * node certificate.
 */
final class DispatcherMethods {
  static final String SERVICE = "berth.dispatcher.Dispatcher";
  /** The largest message either side accepts (a node's full task list fits many times over). */
  static final int MAX_MESSAGE_BYTES = 16 << 20;

  static final MethodDescriptor<Empty, RootCa> ROOT_CA = unary("RootCA", Empty.class, RootCa.class);
  static final MethodDescriptor<JoinCall, JoinReply> JOIN = unary("Join", JoinCall.class, JoinReply.class);
  static final MethodDescriptor<JoinRaftCall, Messages.JoinRaftReply> JOIN_RAFT =
      unary("JoinRaft", JoinRaftCall.class, Messages.JoinRaftReply.class);
  static final MethodDescriptor<Empty, RaftGroup> RAFT_GROUP = unary("RaftGroup", Empty.class, RaftGroup.class);
  static final MethodDescriptor<SessionCall, Assignments> SESSION = MethodDescriptor.<SessionCall, Assignments>newBuilder()
      .setType(MethodType.SERVER_STREAMING)
      .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Session"))
      .setRequestMarshaller(new JsonMarshaller<>(SessionCall.class))
      .setResponseMarshaller(new JsonMarshaller<>(Assignments.class))
      .build();
  static final MethodDescriptor<Empty, HeartbeatReply> HEARTBEAT = unary("Heartbeat", Empty.class, HeartbeatReply.class);
  static final MethodDescriptor<StatusUpdate, Empty> UPDATE_TASK_STATUS =
      unary("UpdateTaskStatus", StatusUpdate.class, Empty.class);
  /** A node saying which assignment set's networks its rules now follow (to the leader). */
  static final MethodDescriptor<Messages.NetworksApplied, Empty> NETWORKS_APPLIED =
      unary("NetworksApplied", Messages.NetworksApplied.class, Empty.class);
  static final MethodDescriptor<RenewCall, RenewReply> RENEW = unary("RenewCertificate", RenewCall.class, RenewReply.class);
  /** A node sending lines of a log subscription its session carried (to the leader). */
  static final MethodDescriptor<PublishLogsCall, PublishLogsReply> PUBLISH_LOGS =
      unary("PublishLogs", PublishLogsCall.class, PublishLogsReply.class);
  /** A manager reading the logs of a service's tasks through the leader (managers only). */
  static final MethodDescriptor<SubscribeLogsCall, LogFeed> SUBSCRIBE_LOGS =
      MethodDescriptor.<SubscribeLogsCall, LogFeed>newBuilder()
          .setType(MethodType.SERVER_STREAMING)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "SubscribeLogs"))
          .setRequestMarshaller(new JsonMarshaller<>(SubscribeLogsCall.class))
          .setResponseMarshaller(new JsonMarshaller<>(LogFeed.class))
          .build();

  /** A node putting one of its plain containers on an attachable swarm network (any node, on the leader). */
  static final MethodDescriptor<Messages.AttachNetworkCall, Messages.AttachNetworkReply> ATTACH_NETWORK =
      unary("AttachNetwork", Messages.AttachNetworkCall.class, Messages.AttachNetworkReply.class);
  /** A node checking that a swarm network takes its plain containers, allocating nothing (on the leader). */
  static final MethodDescriptor<Messages.ResolveNetworkCall, Messages.ResolveNetworkReply> RESOLVE_NETWORK =
      unary("ResolveNetwork", Messages.ResolveNetworkCall.class, Messages.ResolveNetworkReply.class);
  static final MethodDescriptor<Messages.DetachNetworkCall, Empty> DETACH_NETWORK =
      unary("DetachNetwork", Messages.DetachNetworkCall.class, Empty.class);

  /** Methods a caller may use without a node certificate. */
  static final Set<String> OPEN = Set.of(ROOT_CA.getFullMethodName(), JOIN.getFullMethodName());

  private DispatcherMethods() {}

  private static <Q, A> MethodDescriptor<Q, A> unary(String name, Class<Q> request, Class<A> reply) {
    return MethodDescriptor.<Q, A>newBuilder()
        .setType(MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(new JsonMarshaller<>(request))
        .setResponseMarshaller(new JsonMarshaller<>(reply))
        .build();
  }
}
