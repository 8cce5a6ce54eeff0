package io.berth.cluster.dispatcher;

import io.berth.cluster.model.NodeRole;
import io.berth.cluster.ca.rotation.TlsInfos;
import io.berth.cluster.ca.tls.ClusterTls;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.ca.tls.NodeKeyManager;
import io.berth.cluster.dispatcher.Messages.Assignments;
import io.berth.cluster.dispatcher.Messages.Empty;
import io.berth.cluster.dispatcher.Messages.SessionCall;
import io.berth.cluster.dispatcher.Messages.StatusUpdate;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.SwarmSpec;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskStatus;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's standing connection to the swarm: one thread keeps a session open with some manager
 * (the leader, which the others name), heartbeats at the period it is told, and on any failure
 * moves to another manager after a bounded, jittered backoff. A manager that names the leader is
 * an answer, not a failure: the session goes to the leader at once (a few times in a row at most,
 * so managers naming each other cannot spin it), since after an election the new leader gives
 * nodes only a few heartbeat periods to reach it. Assignment sets are handed to the
 * consumer in order on their own thread; status reports go to the manager of the moment. The
 * certificate is renewed by {@link CertificateRenewal} over the same connection.
 */
public final class DispatcherSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DispatcherSession.class);
  static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  /** The pause before following a manager's word on who leads (only against a tight loop). */
  static final Duration FOLLOW_DELAY = Duration.ofMillis(20);
  /** Redirects followed in a row without backoff before a redirect counts as a failure. */
  static final int MAX_REDIRECTS = 3;

  private final NodeCredentials credentials;
  private final Supplier<NodeDescription> description;
  private final Consumer<List<Task>> assignments;
  private volatile Consumer<io.berth.cluster.model.NodeRole> roleListener = role -> { };
  private volatile Consumer<io.berth.cluster.network.NetworkView> networkListener = view -> { };
  private volatile io.berth.cluster.network.NetworkView lastNetworks;
  private volatile ReceivedPayloads payloads = new ReceivedPayloads();
  private final Clock clock;
  private final CertificateRenewal renewal;
  private final LogPublisher logs;
  private final ExecutorService delivery;
  /** The newest assignment set the delivery thread has not taken yet. */
  private final AtomicReference<Assignments> pending = new AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Thread loop;
  private final Duration firstBackoff;
  private final Duration maxBackoff;
  private volatile List<String> managers;
  private volatile String preferred;
  private volatile ManagedChannel current;
  private volatile String currentManager;
  private volatile Duration period = Duration.ofNanos(SwarmSpec.DEFAULT_HEARTBEAT_NANOS);
  private volatile ClientCall<SessionCall, Assignments> call;
  private volatile BerthException lastError;
  private volatile boolean restarting;
  private int next;

  DispatcherSession(List<String> managers, NodeCredentials credentials, Supplier<NodeDescription> description,
      Consumer<List<Task>> assignments, TaskLogSource logSource, Consumer<NodeCredentials.Material> renewed,
      Clock clock) {
    this(managers, credentials, description, assignments, logSource, renewed, clock, FIRST_BACKOFF, MAX_BACKOFF);
  }

  /** A session whose failures back off from {@code firstBackoff} doubling up to {@code maxBackoff}. */
  DispatcherSession(List<String> managers, NodeCredentials credentials, Supplier<NodeDescription> description,
      Consumer<List<Task>> assignments, TaskLogSource logSource, Consumer<NodeCredentials.Material> renewed,
      Clock clock, Duration firstBackoff, Duration maxBackoff) {
    if (managers == null || managers.isEmpty()) {
      throw new InvalidArgumentException("a dispatcher session needs at least one manager address");
    }
    this.managers = List.copyOf(managers);
    this.credentials = credentials;
    this.description = description;
    this.assignments = assignments;
    this.clock = clock;
    this.firstBackoff = firstBackoff;
    this.maxBackoff = maxBackoff;
    this.renewal = new CertificateRenewal(this, credentials, renewed, clock);
    this.logs = new LogPublisher(logSource, batch -> unary(DispatcherMethods.PUBLISH_LOGS, batch, "publishing logs"));
    this.delivery = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("dispatcher-assignments")
        .unstarted(r));
    this.loop = Thread.ofPlatform().daemon().name("dispatcher-session").unstarted(this::run);
  }

  DispatcherSession start() {
    loop.start();
    renewal.start();
    return this;
  }

  /**
   * Told the role the cluster gives this node with every assignment set (the same role again
   * most of the time), so a promoted or demoted node can change what it runs.
   */
  public void onRole(Consumer<io.berth.cluster.model.NodeRole> listener) {
    roleListener = listener;
  }

  /**
   * Told the node's network view with every assignment set, before the tasks: a task's overlay
   * must exist on the node before its container joins it.
   */
  public void onNetworks(Consumer<io.berth.cluster.network.NetworkView> listener) {
    networkListener = listener;
    io.berth.cluster.network.NetworkView last = lastNetworks;
    if (last != null) {
      delivery.execute(() -> listener.accept(last)); // a view that came before the listener
    }
  }

  /**
   * Where the secrets and configs of each assignment set go, replaced before the set's tasks reach
   * the agent (the task executor reads them from there when it makes a container).
   */
  public void payloadsInto(ReceivedPayloads target) {
    // on the delivery thread, so a set that came before is carried over and none is split
    delivery.execute(() -> {
      target.takeFrom(payloads);
      payloads = target;
    });
  }

  /** The cluster's Raft group, to start a promoted manager's member in (a manager's certificate is needed). */
  public Messages.RaftGroup raftGroup() {
    return unary(DispatcherMethods.RAFT_GROUP, new Messages.Empty(), "asking for the Raft group");
  }

  public List<String> managers() {
    return managers;
  }

  /** The manager this session is connected to now, if any. */
  public Optional<String> manager() {
    return Optional.ofNullable(current == null ? null : currentManager);
  }

  /** Why the last session attempt ended, if one did. */
  public Optional<BerthException> lastError() {
    return Optional.ofNullable(lastError);
  }

  /**
   * Reports the status of this node's tasks (task id to status) to the current manager; throws
   * Unavailable when there is none, and the manager's refusal otherwise (a task of another node,
   * a state that does not move forward). The caller keeps what it could not report.
   */
  public void reportStatus(Map<String, TaskStatus> updates) {
    unary(DispatcherMethods.UPDATE_TASK_STATUS, new StatusUpdate(updates), "reporting task status");
  }

  /**
   * Puts this node's container on an attachable swarm network through the managers: its
   * address and the network as this node needs it (see {@link NetworkAttacher}).
   */
  public Messages.AttachNetworkReply attachNetwork(Messages.AttachNetworkCall call) {
    return unary(DispatcherMethods.ATTACH_NETWORK, call, "attaching to network " + call.network());
  }

  /** The attachable swarm network {@code network} names, checked by the managers; nothing is allocated. */
  public Messages.ResolveNetworkReply resolveNetwork(String network) {
    return unary(DispatcherMethods.RESOLVE_NETWORK, new Messages.ResolveNetworkCall(network),
        "looking up network " + network);
  }

  /** Takes this node's container off a swarm network it was attached to (frees its address). */
  public void detachNetwork(String containerId, String networkId) {
    unary(DispatcherMethods.DETACH_NETWORK, new Messages.DetachNetworkCall(containerId, networkId),
        "detaching container " + containerId + " from network " + networkId);
  }

  /** Renews this node's certificate now (normally {@link CertificateRenewal} does at its time). */
  public NodeCredentials.Material renewNow() {
    return renewal.renewNow();
  }

  /**
   * Ends the current session and opens a new one with the same manager at once, so the managers
   * see this node's description again: its TLS material changed (renewed for a root rotation,
   * new trusted roots), and the new session's handshake uses it.
   */
  void restart() {
    ClientCall<SessionCall, Assignments> c = call;
    if (c != null && current != null) {
      preferred = currentManager;
      restarting = true;
      c.cancel("the node's TLS material changed; reopening the session to report it", null);
    }
  }

  <Q, A> A unary(MethodDescriptor<Q, A> method, Q request, String doing) {
    ManagedChannel ch = current;
    if (ch == null) {
      throw new UnavailableException(doing + ": not connected to a manager");
    }
    try {
      return ClientCalls.blockingUnaryCall(ch, method,
          CallOptions.DEFAULT.withDeadlineAfter(DispatcherClient.CALL_SECONDS, TimeUnit.SECONDS), request);
    } catch (StatusRuntimeException e) {
      throw GrpcErrors.fromStatus(e, doing + " via " + currentManager);
    }
  }

  private void run() {
    int failures = 0;
    int redirects = 0;
    while (closing.getCount() > 0) {
      String target = nextManager();
      ManagedChannel ch = null;
      try {
        ch = Channels.open(target, new NodeKeyManager(credentials),
            new ClusterTls(credentials, clock).trustManager(Set.of(NodeRole.MANAGER)));
        if (session(target, ch)) {
          failures = 0;
          redirects = 0;
        }
      } catch (BerthException e) {
        lastError = e;
        LOG.info("dispatcher session with {} failed: {}", target, e.getMessage());
      } catch (RuntimeException e) {
        lastError = new UnavailableException("session with " + target + ": " + e, e);
        LOG.warn("dispatcher session with {} failed", target, e);
      } finally {
        current = null;
        Channels.close(ch);
      }
      boolean redirected = preferred != null && redirects < MAX_REDIRECTS;
      redirects = redirected ? redirects + 1 : 0;
      if (await(redirected ? FOLLOW_DELAY : backoff(failures++))) {
        return;
      }
    }
  }

  /** Runs one session until it ends; true if it got as far as receiving assignments. */
  private boolean session(String target, ManagedChannel ch) {
    CompletableFuture<Void> ended = new CompletableFuture<>();
    CompletableFuture<Void> first = new CompletableFuture<>();
    ClientCall<SessionCall, Assignments> c = ch.newCall(DispatcherMethods.SESSION, CallOptions.DEFAULT);
    restarting = false;
    call = c;
    currentManager = target;
    current = ch;
    NodeDescription described = description.get().withTlsInfo(TlsInfos.held(credentials.current()));
    ClientCalls.asyncServerStreamingCall(c, new SessionCall(described), new StreamObserver<>() {
      @Override
      public void onNext(Assignments a) {
        received(a);
        first.complete(null);
      }

      @Override
      public void onError(Throwable t) {
        ended.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        ended.complete(null);
      }
    });
    try {
      while (closing.getCount() > 0) {
        try {
          ended.get(period.toMillis(), TimeUnit.MILLISECONDS);
          return first.isDone();
        } catch (TimeoutException e) {
          var reply = unary(DispatcherMethods.HEARTBEAT, new Empty(), "heartbeat");
          period = Duration.ofNanos(reply.periodNanos());
        }
      }
      return first.isDone();
    } catch (ExecutionException e) {
      if (restarting) {
        LOG.info("reopening the dispatcher session with {} to report this node's new TLS material", target);
        return true;
      }
      if (e.getCause() instanceof StatusRuntimeException s) {
        GrpcErrors.leaderOf(s).ifPresent(l -> preferred = l);
        throw GrpcErrors.fromStatus(s, "session with " + target);
      }
      throw new UnavailableException("session with " + target + ": " + e.getCause(), e.getCause());
    } catch (BerthException e) {
      if (e.getCause() instanceof StatusRuntimeException s) {
        GrpcErrors.leaderOf(s).ifPresent(l -> preferred = l);
      }
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return first.isDone();
    } finally {
      c.cancel("session ended", null);
    }
  }

  private void received(Assignments a) {
    period = Duration.ofNanos(a.heartbeatPeriodNanos());
    if (!a.managers().isEmpty()) {
      managers = a.managers();
    }
    renewal.follow(a.tls());
    List<Task> tasks = a.tasks();
    lastNetworks = a.networks();
    logs.serve(a.logSubscriptions(), tasks.stream().map(Task::id).collect(java.util.stream.Collectors.toSet()));
    // Sets are whole (level-triggered), so one still waiting for the delivery thread is replaced
    // by this newer one rather than queued behind it: bringing the networks in line forks nft and
    // ip, and while a rolling update moves many tasks the sets would come faster than they are
    // applied, each new task waiting behind every older set (seconds, on a busy node).
    if (pending.getAndSet(a) == null) {
      delivery.execute(this::deliverLatest);
    }
    received.incrementAndGet();
  }

  /** How many assignment sets this session received (delivered or replaced by a newer one). */
  long setsReceived() {
    return received.get();
  }

  /** Hands the newest set received to the node: role, networks, payloads, then the tasks. */
  private void deliverLatest() {
    Assignments a = pending.getAndSet(null);
    if (a == null) {
      return;
    }
    try {
      if (a.role() != null) {
        roleListener.accept(a.role());
      }
      try {
        networkListener.accept(a.networks());
        acknowledge(a.seq());
      } catch (RuntimeException e) {
        // the tasks still run: those whose network is missing fail with the reason
        LOG.warn("the node's networks could not be brought in line: {}", e.getMessage(), e);
      }
      payloads.replace(a.secrets(), a.configs());
      assignments.accept(a.tasks());
    } catch (RuntimeException e) {
      LOG.warn("the node's assignment consumer failed: {}", e.getMessage(), e);
    }
  }

  /**
   * Tells the leader this node's rules follow set {@code seq} now, off the delivery thread (the
   * tasks need not wait for the reply); a lost acknowledgement only makes the leader hold a
   * leaving task a little longer.
   */
  private void acknowledge(long seq) {
    if (seq > 0) {
      Thread.ofVirtual().name("networks-applied").start(() -> {
        try {
          unary(DispatcherMethods.NETWORKS_APPLIED, new Messages.NetworksApplied(seq), "acknowledging networks");
        } catch (RuntimeException e) {
          LOG.debug("networks of set {} applied, not acknowledged: {}", seq, e.getMessage());
        }
      });
    }
  }

  private synchronized String nextManager() {
    String p = preferred;
    preferred = null;
    if (p != null) {
      return p;
    }
    List<String> all = new ArrayList<>(managers);
    return all.get(Math.floorMod(next++, all.size()));
  }

  private Duration backoff(int failures) {
    long ms = firstBackoff.toMillis() << Math.min(failures, 10);
    ms = Math.min(ms, maxBackoff.toMillis());
    return Duration.ofMillis(ms / 2 + ThreadLocalRandom.current().nextLong(ms / 2 + 1));
  }

  /** Waits {@code d} or until closed; true when closed. */
  private boolean await(Duration d) {
    try {
      return closing.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  @Override
  public void close() {
    closing.countDown();
    renewal.close();
    logs.close();
    ClientCall<SessionCall, Assignments> c = call;
    if (c != null) {
      c.cancel("node closing its session", null);
    }
    loop.interrupt();
    try {
      loop.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    delivery.shutdownNow();
  }
}
