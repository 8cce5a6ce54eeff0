package io.berth.cluster.dispatcher;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskStatus;
import io.berth.cluster.model.TlsInfo;
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

  /** A node opening its session: what it says about its machine now. */
  public record SessionCall(@JsonProperty("Description") NodeDescription description) {}

  /**
   * What a session carries, at once and on every change: how often to heartbeat, where the
   * managers are, the role the cluster gives this node now (so a promoted or demoted node
   * changes what it runs), the whole set of tasks assigned to it (level-triggered), and the TLS
   * material the node should hold: the roots to trust now and the issuer its certificate should
   * come from (a node whose certificate has another issuer renews at once: a root rotation).
   */
  public record Assignments(
      @JsonProperty("HeartbeatPeriod") long heartbeatPeriodNanos,
      @JsonProperty("Managers") List<String> managers,
      @JsonProperty("Role") NodeRole role,
      @JsonProperty("Tasks") List<Task> tasks,
      @JsonProperty("TLS") TlsInfo tls) {
    public Assignments {
      managers = managers == null ? List.of() : List.copyOf(managers);
      tasks = tasks == null ? List.of() : List.copyOf(tasks);
    }
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
}
