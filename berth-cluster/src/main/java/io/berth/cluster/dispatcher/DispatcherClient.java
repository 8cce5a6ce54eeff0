package io.berth.cluster.dispatcher;

import io.berth.cluster.ca.JoinRequest;
import io.berth.cluster.ca.NodeCertificate;
import io.berth.cluster.ca.Pem;
import io.berth.cluster.ca.tls.ClusterTls;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.ca.tls.NodeKeyManager;
import io.berth.cluster.dispatcher.Messages.Empty;
import io.berth.cluster.dispatcher.Messages.JoinCall;
import io.berth.cluster.dispatcher.Messages.JoinRaftCall;
import io.berth.cluster.dispatcher.Messages.JoinReply;
import io.berth.cluster.dispatcher.Messages.RaftGroup;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.model.Task;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The node's end of manager-node traffic: joining (with the CA pinned by the token before the
 * token is sent), adding a joined manager to the Raft group, and opening the long-lived
 * {@link DispatcherSession}. Errors come back as the errdefs kind the manager answered with.
 */
public final class DispatcherClient {
  static final long CALL_SECONDS = 15;

  /** What a node holds once admitted; {@link #raft} is present for a manager. */
  public record Joined(String nodeId, NodeRole role, String clusterId, PrivateKey key, NodeCertificate certificate,
      List<X509Certificate> trustedRoots, List<String> managers, Optional<RaftGroup> raft) {
    /** The TLS material to build {@link NodeCredentials} from (and to store with NodeKeyStore). */
    public NodeCredentials.Material material() {
      return new NodeCredentials.Material(key, certificate, trustedRoots, clusterId);
    }
  }

  private DispatcherClient() {}

  /**
   * Joins the swarm through the first of {@code managers} that answers: fetches the CA bundle,
   * pins it against {@code token}'s digest (a mismatch ends the join: that server is not the
   * token's cluster), then sends the token and a CSR for a fresh key over a connection that
   * trusts only the pinned root. A refused token or a pin mismatch is not tried elsewhere.
   *
   * @param advertiseAddr the address other nodes reach this node's dispatcher at (managers only;
   *     may be null for a worker)
   */
  public static Joined join(List<String> managers, String token, NodeDescription description, String advertiseAddr,
      Clock clock) {
    if (managers == null || managers.isEmpty()) {
      throw new InvalidArgumentException("joining needs at least one manager address");
    }
    JoinRequest request = JoinRequest.start(token, new SecureRandom());
    UnavailableException last = null;
    for (String manager : managers) {
      try {
        return joinAt(manager, request, description, advertiseAddr, clock);
      } catch (UnavailableException e) {
        last = e;
      }
    }
    throw new UnavailableException("could not join the swarm: no manager answered (" + String.join(", ", managers)
        + "): " + last.getMessage(), last);
  }

  private static Joined joinAt(String manager, JoinRequest request, NodeDescription description,
      String advertiseAddr, Clock clock) {
    String bundle = call(manager, null, JoinTrust.unverified(), DispatcherMethods.ROOT_CA, new Empty(),
        "fetching the root CA from " + manager).bundlePem();
    List<X509Certificate> roots = request.pin(bundle);
    JoinReply reply = call(manager, null, JoinTrust.pinned(roots, clock), DispatcherMethods.JOIN,
        new JoinCall(request.token(), request.csr(), description, advertiseAddr), "joining through " + manager);
    JoinRequest.Joined joined = request.accept(NodeCertificate.fromPem(reply.certificatePem()), clock.instant());
    List<X509Certificate> trusted = reply.trustRootsPem() == null || reply.trustRootsPem().isBlank()
        ? joined.trustedRoots() : Pem.parseCertificates(reply.trustRootsPem(), "trust roots from " + manager);
    if (!joined.identity().nodeId().equals(reply.nodeId())) {
      throw new UnavailableException("manager " + manager + " answered node id " + reply.nodeId()
          + " but issued a certificate for " + joined.identity().nodeId());
    }
    return new Joined(reply.nodeId(), reply.role(), joined.identity().clusterId(), joined.key(), joined.certificate(),
        trusted, reply.managers(), Optional.ofNullable(reply.raft()));
  }

  /**
   * Asks a manager to add this (just joined) manager's Raft member, already started with the
   * group {@link Joined#raft} named, at {@code raftAddr}; returns once the group took it, with the
   * cluster's secrets key (empty when the managers hold none).
   */
  public static Optional<io.berth.cluster.ca.keys.SecretsKey> joinRaft(List<String> managers,
      NodeCredentials credentials, String raftAddr, Clock clock) {
    UnavailableException last = null;
    for (String manager : managers) {
      try {
        Messages.JoinRaftReply reply = call(manager, new NodeKeyManager(credentials),
            new ClusterTls(credentials, clock).trustManager(Set.of(NodeRole.MANAGER)),
            DispatcherMethods.JOIN_RAFT, new JoinRaftCall(raftAddr), "adding this manager to the Raft group via "
                + manager);
        return Optional.ofNullable(reply.secretsKey()).map(io.berth.cluster.ca.keys.SecretsKey::of);
      } catch (UnavailableException e) {
        last = e;
      }
    }
    throw new UnavailableException("could not join the Raft group: no manager answered: "
        + (last == null ? "no managers given" : last.getMessage()), last);
  }

  /**
   * Opens this node's session (started; close it to end): heartbeats at the period the manager
   * gives, hands each new assignment set to {@code assignments}, reconnects to another manager
   * when its manager goes away, and renews the certificate before it expires, passing the new
   * material to {@code renewed} (to be stored) after {@code credentials} took it.
   */
  public static DispatcherSession connect(List<String> managers, NodeCredentials credentials,
      Supplier<NodeDescription> description, Consumer<List<Task>> assignments,
      Consumer<NodeCredentials.Material> renewed, Clock clock) {
    return connect(managers, credentials, description, assignments, TaskLogSource.NONE, renewed, clock);
  }

  /** As above, and serving the log subscriptions the session carries from {@code logs}. */
  public static DispatcherSession connect(List<String> managers, NodeCredentials credentials,
      Supplier<NodeDescription> description, Consumer<List<Task>> assignments, TaskLogSource logs,
      Consumer<NodeCredentials.Material> renewed, Clock clock) {
    return new DispatcherSession(managers, credentials, description, assignments, logs, renewed, clock).start();
  }

  private static <Q, A> A call(String manager, javax.net.ssl.KeyManager km, javax.net.ssl.TrustManager tm,
      MethodDescriptor<Q, A> method, Q request, String doing) {
    ManagedChannel channel = Channels.open(manager, km, tm);
    try {
      return ClientCalls.blockingUnaryCall(channel, method,
          CallOptions.DEFAULT.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS), request);
    } catch (StatusRuntimeException e) {
      BerthException error = GrpcErrors.fromStatus(e, doing);
      throw error;
    } finally {
      Channels.close(channel);
    }
  }
}
