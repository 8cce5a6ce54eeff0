package io.berth.cluster.raft;

import io.berth.errdefs.ErrorText;
import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.errdefs.UnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.ExitUtils;
import org.apache.ratis.util.TimeDuration;

/**
 * One manager's member of the replicated cluster store: a Ratis server holding the log and the
 * state machine, and a client through which this manager's writes reach the leader (wherever it
 * is). Reads answer from the local state machine without a round trip, so on a follower they may
 * miss the newest committed writes; a write conditional on a stale version is refused, not lost.
 *
 * <p>Membership: {@link #start} with only itself as peer makes a new group (swarm init); a joining
 * manager starts with the current members plus itself, then any member calls {@link #addMember};
 * {@link #removeMember} takes one out (demote, leave). A restart from the same storage directory
 * recovers the log, the newest snapshot and the stored membership.
 */
public final class RaftClusterStore extends LocalReads {
  private static final int HISTORY = 8192;
  private static final long RETRY_SLEEP_MILLIS = 100;

  static {
    // Ratis ends the JVM when its server cannot start (a taken port) or its state machine fails;
    // inside berthd that would take every container's daemon down with it, so it throws instead
    ExitUtils.disableSystemExit();
    // Ratis also makes itself the JVM's handler of every uncaught exception, in any thread, and
    // "terminates" on one (throwing, with exit disabled, and marking Ratis terminated): a bug in
    // one of berthd's own threads must be logged, not turned into a Ratis shutdown
    Thread.setDefaultUncaughtExceptionHandler((thread, e) ->
        org.slf4j.LoggerFactory.getLogger(RaftClusterStore.class).error("uncaught exception in thread {}",
            thread.getName(), e));
  }

  private final RaftStoreConfig config;
  private final RaftGroupId groupId;
  private final StoreState state;
  private final RaftServer server;
  private RaftClient client;
  private Set<RaftPeer> clientPeers = Set.of();
  private boolean closed;
  private volatile io.berth.cluster.metrics.ClusterTallies tallies = new io.berth.cluster.metrics.ClusterTallies();

  private final ClusterStateMachine machine;

  private RaftClusterStore(RaftStoreConfig config, StoreState state, RaftServer server, ClusterStateMachine machine) {
    this.machine = machine;
    this.config = config;
    this.groupId = RaftGroupId.valueOf(config.cluster());
    this.state = state;
    this.server = server;
  }

  /** Starts this member from its storage directory, formatting it if it holds no group yet. */
  public static RaftClusterStore start(RaftStoreConfig config) {
    RaftGroupId groupId = RaftGroupId.valueOf(config.cluster());
    boolean stored = Files.isDirectory(config.storageDir().resolve(groupId.getUuid().toString()));
    StoreState state = new StoreState(HISTORY);
    ClusterStateMachine machine = new ClusterStateMachine(state);
    RaftServer server = null;
    try {
      Files.createDirectories(config.storageDir());
      server = RaftServer.newBuilder()
          .setServerId(RaftPeerId.valueOf(config.self().id()))
          .setGroup(RaftGroup.valueOf(groupId, peers(config.peers())))
          .setProperties(RaftSettings.server(config))
          .setParameters(RaftSettings.parameters(config))
          .setStateMachine(machine)
          .setOption(stored ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
          .build();
      server.start();
      return new RaftClusterStore(config, state, server, machine);
    } catch (IOException | RuntimeException e) {
      closeQuietly(server);
      throw new UnavailableException("starting the cluster store of " + config.self().id()
          + " at " + config.self().address() + " in " + config.storageDir() + ": " + ErrorText.of(e), e);
    }
  }

  @Override
  StoreState state() {
    return state;
  }

  @Override
  public List<StoredObject> apply(List<Write> writes) {
    if (writes.isEmpty()) {
      throw new InvalidArgumentException("a cluster store batch needs at least one write");
    }
    Message command = Message.valueOf(ByteString.copyFrom(CommandCodec.encodeWrites(writes)));
    RaftClientReply reply;
    long began = System.nanoTime();
    try {
      reply = client().async().send(command)
          .get(config.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
      tallies.committed(System.nanoTime() - began, reply.isSuccess());
    } catch (TimeoutException e) {
      tallies.committed(System.nanoTime() - began, false);
      throw new UnavailableException(NO_LEADER, e);
    } catch (ExecutionException e) {
      tallies.committed(System.nanoTime() - began, false);
      throw failure(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while waiting for the cluster store write", e);
    }
    if (!reply.isSuccess()) {
      throw failure(reply.getException());
    }
    Outcome outcome;
    try {
      outcome = CommandCodec.decodeOutcome(reply.getMessage().getContent().newInput());
    } catch (IOException e) {
      throw new UncheckedIOException("cluster store: unreadable reply to a write", e);
    }
    awaitLocal(reply.getLogIndex());
    return outcome.objectsOrThrow();
  }

  /**
   * The leader answers once it applied the write; this member may not have yet. Waiting for it
   * (bounded) lets a caller read its own write here, so a loop that writes and then reads does
   * not act on the state from before its own write.
   */
  private void awaitLocal(long logIndex) {
    try {
      state.awaitIndex(logIndex - 1, config.writeTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A write the log did not take: the state machine's own failure, or no leader in time. */
  private static RuntimeException failure(Throwable cause) {
    if (cause instanceof StateMachineException sme) {
      return new UnavailableException("cluster store write failed: " + ErrorText.of(sme), sme);
    }
    return new UnavailableException(NO_LEADER, cause);
  }

  @Override
  public void sync(Duration timeout) {
    if (isLeader() || leader().isEmpty()) {
      return;
    }
    try {
      RaftClientReply reply = client().async().sendReadOnly(Message.EMPTY)
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (reply.isSuccess()) {
        long leaderIndex = Long.parseLong(reply.getMessage().getContent().toStringUtf8());
        state.awaitIndex(leaderIndex - 1, timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | NumberFormatException e) {
      // no leader in time: this member's own reads are the best answer there is
    }
  }

  /** The members as this one knows them (a follower learns a change when it is replicated). */
  public List<RaftMember> members() {
    return currentPeers().stream()
        .map(p -> new RaftMember(p.getId().toString(), p.getAddress()))
        .sorted(Comparator.comparing(RaftMember::id))
        .toList();
  }

  /** The member this one follows, or itself when it leads; empty while there is no leader. */
  public Optional<String> leader() {
    try {
      RaftPeerId id = server.getDivision(groupId).getInfo().getLeaderId();
      return Optional.ofNullable(id).map(RaftPeerId::toString);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Where this member counts its writes' commit times (the node's tallies, for metrics). */
  public void observe(io.berth.cluster.metrics.ClusterTallies tallies) {
    this.tallies = tallies;
  }

  /** The Raft term this member is in; 0 when it cannot tell. */
  public long term() {
    try {
      return server.getDivision(groupId).getInfo().getCurrentTerm();
    } catch (IOException e) {
      return 0;
    }
  }

  /** How many times this member saw the group's leader change since it started. */
  public long leaderChanges() {
    return machine.leaderChanges();
  }

  public boolean isLeader() {
    try {
      var info = server.getDivision(groupId).getInfo();
      return info.isLeader() && info.isLeaderReady();
    } catch (IOException e) {
      return false;
    }
  }

  public String id() {
    return config.self().id();
  }

  /**
   * Adds a manager whose member is already started (with the current members and itself as
   * peers); returns once the group committed the new membership. The leader first brings the new
   * member's log up to date (by snapshot if the log was purged), so a join does not stall writes.
   */
  public void addMember(RaftMember member) {
    List<RaftMember> now = members();
    if (now.stream().anyMatch(m -> m.id().equals(member.id()))) {
      throw new FailedPreconditionException("raft member " + member.id() + " is already in the group");
    }
    List<RaftMember> next = new ArrayList<>(now);
    next.add(member);
    reconfigure(next, "adding " + member.id() + " at " + member.address());
  }

  /** Takes a manager out of the group (demote or leave); its own member should be closed after. */
  public void removeMember(String memberId) {
    List<RaftMember> now = members();
    List<RaftMember> next = now.stream().filter(m -> !m.id().equals(memberId)).toList();
    if (next.size() == now.size()) {
      throw new NotFoundException("raft member " + memberId + " is not in the group " + ids(now));
    }
    if (next.isEmpty()) {
      throw new FailedPreconditionException("cannot remove " + memberId + ", the last raft member");
    }
    reconfigure(next, "removing " + memberId);
  }

  /**
   * Hands the lead to {@code memberId} (a demoted leader does this first, so the new leader takes
   * it out of the group instead of it removing itself); returns once the member leads.
   */
  public void transferLeadership(String memberId) {
    long timeout = Math.max(4 * config.electionTimeout().toMillis(), 10_000);
    try (RaftClient admin = newClient(currentPeers(), timeout, timeout)) {
      RaftClientReply reply = admin.admin().transferLeadership(RaftPeerId.valueOf(memberId), timeout);
      if (!reply.isSuccess()) {
        throw new UnavailableException("cluster store: handing the lead to " + memberId + ": "
            + ErrorText.of(reply.getException()), reply.getException());
      }
    } catch (IOException e) {
      throw new UnavailableException("cluster store: handing the lead to " + memberId + ": " + ErrorText.of(e), e);
    }
  }

  private void reconfigure(List<RaftMember> next, String what) {
    // a membership change waits for the new member to catch up: give it longer than a write
    long timeout = Math.max(4 * config.writeTimeout().toMillis(), 20_000);
    try (RaftClient admin = newClient(currentPeers(), timeout, timeout)) {
      RaftClientReply reply = admin.admin().setConfiguration(peers(next));
      if (!reply.isSuccess()) {
        throw new UnavailableException("cluster store: " + what + ": " + ErrorText.of(reply.getException()),
            reply.getException());
      }
    } catch (IOException e) {
      throw new UnavailableException("cluster store: " + what + ": " + NO_LEADER, e);
    }
  }

  private synchronized RaftClient client() {
    if (closed) {
      throw new FailedPreconditionException("the cluster store of " + config.self().id() + " is closed");
    }
    Set<RaftPeer> peers = Set.copyOf(currentPeers());
    if (client == null || !peers.equals(clientPeers)) {
      closeQuietly(client);
      client = newClient(peers, Math.max(config.electionTimeout().toMillis(), 1000), config.writeTimeout().toMillis());
      clientPeers = peers;
    }
    return client;
  }

  private RaftClient newClient(java.util.Collection<RaftPeer> peers, long requestTimeoutMillis, long budgetMillis) {
    int attempts = (int) Math.max(1, budgetMillis / RETRY_SLEEP_MILLIS);
    RaftClient.Builder b = RaftClient.newBuilder()
        .setClientId(ClientId.randomId())
        .setRaftGroup(RaftGroup.valueOf(groupId, peers))
        .setProperties(RaftSettings.client(config, requestTimeoutMillis))
        .setParameters(RaftSettings.parameters(config))
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
            attempts, TimeDuration.valueOf(RETRY_SLEEP_MILLIS, TimeUnit.MILLISECONDS)));
    leader().ifPresent(l -> b.setLeaderId(RaftPeerId.valueOf(l)));
    return b.build();
  }

  private List<RaftPeer> currentPeers() {
    try {
      return List.copyOf(server.getDivision(groupId).getRaftConf().getCurrentPeers());
    } catch (IOException e) {
      return peers(config.peers());
    }
  }

  private static List<RaftPeer> peers(List<RaftMember> members) {
    return members.stream()
        .map(m -> RaftPeer.newBuilder().setId(m.id()).setAddress(m.address()).build())
        .toList();
  }

  private static String ids(List<RaftMember> members) {
    return members.stream().map(RaftMember::id).collect(Collectors.joining(", ", "[", "]"));
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeQuietly(client);
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException("closing the cluster store of " + config.self().id(), e);
    }
  }

  private static void closeQuietly(RaftServer s) {
    if (s == null) {
      return;
    }
    try {
      s.close();
    } catch (IOException | RuntimeException e) {
      // a server that failed to start has nothing of ours to release beyond what close tried
    }
  }

  private static void closeQuietly(RaftClient c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException e) {
      // the client holds only channels; a failure to close them leaves nothing behind to fix
    }
  }

  @Override
  public String toString() {
    return "RaftClusterStore[" + config.self().id() + "@" + config.self().address() + "]";
  }
}
