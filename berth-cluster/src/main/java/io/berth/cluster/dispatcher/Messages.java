package io.berth.cluster.dispatcher;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.cluster.agent.TaskLogQuery;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskStatus;
import io.berth.cluster.model.TlsInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The dispatcher's wire messages: small records written as JSON (decision 0035), so the model's
 * Docker-shaped records (Task, TaskStatus, NodeDescription) travel as they are stored. Byte
 * arrays (CSRs) are base64 in JSON.
 */
public final class Messages {
  private Messages() {}

  /** No content (a request or an answer that carries nothing). */
  public record Empty() {}

  /** The cluster's CA bundle as PEM: what a joining node pins against its token's digest. */
  public record RootCa(@JsonProperty("RootCA") String bundlePem) {}

  /**
   * A node without a certificate asking to join: the token is its credential. A manager also says
   * where its Raft transport listens.
   */
  public record JoinCall(
      @JsonProperty("Token") String token,
      @JsonProperty("CSR") byte[] csr,
      @JsonProperty("Description") NodeDescription description,
      @JsonProperty("AdvertiseAddr") String advertiseAddr) {}

  /** The Raft group a joining manager starts its member in: the group's id and its members. */
  public record RaftGroup(@JsonProperty("ID") String id, @JsonProperty("Members") List<RaftPeer> members) {
    public RaftGroup {
      members = members == null ? List.of() : List.copyOf(members);
    }
  }

  /** One Raft member: its node id and its Raft address. */
  public record RaftPeer(@JsonProperty("ID") String id, @JsonProperty("Addr") String addr) {}

  /** What an admitted node is told: who it is, its certificate, whom to trust, where the managers are. */
  public record JoinReply(
      @JsonProperty("NodeID") String nodeId,
      @JsonProperty("Role") NodeRole role,
      @JsonProperty("Certificate") String certificatePem,
      @JsonProperty("RootCA") String trustRootsPem,
      @JsonProperty("Managers") List<String> managers,
      @JsonProperty("Raft") RaftGroup raft) {
    public JoinReply {
      managers = managers == null ? List.of() : List.copyOf(managers);
    }
  }

  /** A new manager, its Raft member started, asking to be added to the group. */
  public record JoinRaftCall(@JsonProperty("RaftAddr") String raftAddr) {}

  /**
   * The answer to a manager the group took: the cluster's secrets key (decision 0040), which
   * only a manager is given and only over the managers' mutual TLS; null when the answering
   * manager holds none (a swarm made before secrets existed).
   */
  public record JoinRaftReply(@JsonProperty("SecretsKey") byte[] secretsKey) {
    @Override
    public String toString() {
      return "JoinRaftReply[secretsKey=" + (secretsKey == null ? "none" : "(hidden)") + "]";
    }
  }

  /** A node opening its session: what it says about its machine now. */
  public record SessionCall(@JsonProperty("Description") NodeDescription description) {}

  /**
   * What a session carries, at once and on every change: how often to heartbeat, where the
   * managers are, the role the cluster gives this node now (so a promoted or demoted node
   * changes what it runs), the whole set of tasks assigned to it and the log subscriptions it
   * serves now (level-triggered: a subscription missing from the next message has ended), and the
   * TLS material the node should hold: the roots to trust now and the issuer its certificate
   * should come from (a node whose certificate has another issuer renews at once: a root rotation),
   * and the secrets and configs, in clear, that its assigned tasks name ({@link NodePayloads}:
   * those only, so a node never holds another node's secrets). {@code seq} numbers the sets of a
   * session, for the node's {@link NetworksApplied}.
   */
  public record Assignments(
      @JsonProperty("HeartbeatPeriod") long heartbeatPeriodNanos,
      @JsonProperty("Managers") List<String> managers,
      @JsonProperty("Role") NodeRole role,
      @JsonProperty("Tasks") List<Task> tasks,
      @JsonProperty("LogSubscriptions") List<LogSubscription> logSubscriptions,
      @JsonProperty("TLS") TlsInfo tls,
      @JsonProperty("Networks") io.berth.cluster.network.NetworkView networks,
      @JsonProperty("Secrets") List<TaskPayload> secrets,
      @JsonProperty("Configs") List<TaskPayload> configs,
      @JsonProperty("Seq") long seq) {
    public Assignments {
      networks = networks == null ? io.berth.cluster.network.NetworkView.EMPTY : networks;
      secrets = secrets == null ? List.of() : List.copyOf(secrets);
      configs = configs == null ? List.of() : List.copyOf(configs);
      managers = managers == null ? List.of() : List.copyOf(managers);
      tasks = tasks == null ? List.of() : List.copyOf(tasks);
      logSubscriptions = logSubscriptions == null ? List.of() : List.copyOf(logSubscriptions);
    }

    /** The same set numbered {@code n} in its session (the number the node acknowledges). */
    Assignments numbered(long n) {
      return new Assignments(heartbeatPeriodNanos, managers, role, tasks, logSubscriptions, tls, networks, secrets,
          configs, n);
    }
  }

  /**
   * A node telling the leader it brought its networks in line with the assignment set numbered
   * {@code seq} (its rules name only what that set put in rotation): see {@link RotationGate}.
   */
  public record NetworksApplied(@JsonProperty("Seq") long seq) {}

  /**
   * A secret's or config's payload as a node receives it for its tasks: id, name and the data in
   * clear (the session is mutual TLS). Compared by content, so an unchanged set is not sent again;
   * never printed.
   */
  public record TaskPayload(@JsonProperty("ID") String id, @JsonProperty("Name") String name,
      @JsonProperty("Data") byte[] data) {
    public TaskPayload {
      data = data == null ? new byte[0] : data.clone();
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof TaskPayload p && p.id.equals(id) && p.name.equals(name) && java.util.Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
      return id.hashCode();
    }

    @Override
    public String toString() {
      return "TaskPayload[id=" + id + ", name=" + name + "]";
    }
  }

  /**
   * Which part of each task's log a subscription reads ({@link TaskLogQuery}'s fields, times as
   * Unix nanoseconds, 0 for none): JSON without a time module, and exact to the nanosecond.
   */
  public record LogOptions(
      @JsonProperty("Tail") int tail,
      @JsonProperty("Since") long sinceNanos,
      @JsonProperty("Until") long untilNanos,
      @JsonProperty("Follow") boolean follow) {
    public static LogOptions of(TaskLogQuery q) {
      return new LogOptions(q.tail(), nanos(q.since()), nanos(q.until()), q.follow());
    }

    public TaskLogQuery query() {
      return new TaskLogQuery(tail, instant(sinceNanos), instant(untilNanos), follow);
    }
  }

  /** A subscription as one node serves it: the tasks of that node whose logs it reads. */
  public record LogSubscription(
      @JsonProperty("ID") String id,
      @JsonProperty("Tasks") List<String> taskIds,
      @JsonProperty("Options") LogOptions options) {
    public LogSubscription {
      taskIds = taskIds == null ? List.of() : List.copyOf(taskIds);
    }
  }

  /**
   * One line of a task's log. {@code nodeId} is written by the manager that received it (the
   * publishing node's certificate), never taken from the node's message.
   */
  public record LogLine(
      @JsonProperty("NodeID") String nodeId,
      @JsonProperty("TaskID") String taskId,
      @JsonProperty("Stderr") boolean stderr,
      @JsonProperty("Time") long timeNanos,
      @JsonProperty("Data") byte[] data) {
    public Instant time() {
      return instant(timeNanos);
    }

    LogLine from(String node) {
      return new LogLine(node, taskId, stderr, timeNanos, data);
    }
  }

  /** A node's batch of lines for one subscription; {@code done}: it has no more (not in follow mode). */
  public record PublishLogsCall(
      @JsonProperty("SubscriptionID") String subscriptionId,
      @JsonProperty("Lines") List<LogLine> lines,
      @JsonProperty("Done") boolean done) {
    public PublishLogsCall {
      lines = lines == null ? List.of() : List.copyOf(lines);
    }
  }

  /** The answer to a batch: {@code closed} when nobody reads the subscription any more (stop sending). */
  public record PublishLogsReply(@JsonProperty("Closed") boolean closed) {}

  /** A manager asking the leader for the logs of a service's tasks, or of one task ({@code taskId}). */
  public record SubscribeLogsCall(
      @JsonProperty("ServiceID") String serviceId,
      @JsonProperty("TaskID") String taskId,
      @JsonProperty("Options") LogOptions options) {}

  /**
   * What a subscriber receives: lines as the nodes published them, and last (unless following)
   * Docker's "incomplete log stream" warning when some nodes or tasks could not contribute.
   */
  public record LogFeed(@JsonProperty("Lines") List<LogLine> lines, @JsonProperty("Warning") String warning) {
    public LogFeed {
      lines = lines == null ? List.of() : List.copyOf(lines);
    }
  }

  /** {@code t} as Unix nanoseconds, 0 for none. */
  static long nanos(Instant t) {
    return t == null ? 0 : t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static Instant instant(long nanos) {
    return nanos == 0 ? null : Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
        Math.floorMod(nanos, 1_000_000_000L));
  }

  /** The answer to a heartbeat: the period until the next one. */
  public record HeartbeatReply(@JsonProperty("Period") long periodNanos) {}

  /** Status reports of this node's tasks, by task id. */
  public record StatusUpdate(@JsonProperty("Updates") Map<String, TaskStatus> updates) {
    public StatusUpdate {
      updates = updates == null ? Map.of() : Map.copyOf(updates);
    }
  }

  /** A node asking for a new certificate for a new key (its current one is its credential). */
  public record RenewCall(@JsonProperty("CSR") byte[] csr) {}

  /** The renewed certificate (leaf first) and the roots to trust from now on. */
  public record RenewReply(
      @JsonProperty("Certificate") String certificatePem,
      @JsonProperty("RootCA") String trustRootsPem) {}

  /**
   * A node asking to put its container {@code containerId} on the attachable swarm network
   * {@code network} (a name, id or id prefix): the aliases are the names the container answers
   * to there (its name first).
   */
  public record AttachNetworkCall(
      @JsonProperty("Network") String network,
      @JsonProperty("ContainerID") String containerId,
      @JsonProperty("Aliases") List<String> aliases) {
    public AttachNetworkCall {
      aliases = aliases == null ? List.of() : List.copyOf(aliases);
    }
  }

  /**
   * The container's attachment: its task, its address ({@code 10.0.1.3/24}) and the network as
   * this node needs it (its view's entry, peers included), so the node sets it up at once.
   */
  public record AttachNetworkReply(
      @JsonProperty("TaskID") String taskId,
      @JsonProperty("Address") String address,
      @JsonProperty("Underlay") String underlay,
      @JsonProperty("Network") io.berth.cluster.network.NetworkView.AttachedNetwork network) {}

  /**
   * A node checking, when a container is created or connected while it does not run, that
   * {@code network} (a name, id or id prefix) is a swarm network its containers may join: nothing
   * is allocated (the address is taken when the container starts).
   */
  public record ResolveNetworkCall(@JsonProperty("Network") String network) {}

  /** The attachable swarm network a {@link ResolveNetworkCall} named. */
  public record ResolveNetworkReply(@JsonProperty("ID") String id, @JsonProperty("Name") String name) {}

  /** A node taking its container off a swarm network it was attached to (by the network's id). */
  public record DetachNetworkCall(
      @JsonProperty("ContainerID") String containerId,
      @JsonProperty("NetworkID") String networkId) {}
}
