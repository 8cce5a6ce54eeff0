package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;

/**
 * How many tasks a service wants (Docker's Mode: exactly one of Replicated, Global,
 * ReplicatedJob, GlobalJob is set).
 */
public record ServiceMode(
    @JsonProperty("Replicated") Replicated replicated,
    @JsonProperty("Global") Global global,
    @JsonProperty("ReplicatedJob") ReplicatedJob replicatedJob,
    @JsonProperty("GlobalJob") Global globalJob) {
  /** A fixed number of running tasks. */
  public record Replicated(@JsonProperty("Replicas") long replicas) {}

  /** One task per eligible node (also the empty body of GlobalJob). */
  public record Global() {}

  /** Tasks that run to completion: {@code totalCompletions} in all, at most {@code maxConcurrent} at once. */
  public record ReplicatedJob(
      @JsonProperty("MaxConcurrent") long maxConcurrent,
      @JsonProperty("TotalCompletions") long totalCompletions) {}

  /** The kinds, for switches. */
  public enum Kind { REPLICATED, GLOBAL, REPLICATED_JOB, GLOBAL_JOB }

  public ServiceMode {
    int set = (replicated != null ? 1 : 0) + (global != null ? 1 : 0) + (replicatedJob != null ? 1 : 0)
        + (globalJob != null ? 1 : 0);
    if (set != 1) {
      throw new InvalidArgumentException("service mode must set exactly one of Replicated, Global, ReplicatedJob, GlobalJob");
    }
    if (replicated != null && replicated.replicas() < 0) {
      throw new InvalidArgumentException("replicas must not be negative: " + replicated.replicas());
    }
    if (replicatedJob != null && (replicatedJob.maxConcurrent() < 0 || replicatedJob.totalCompletions() < 0)) {
      throw new InvalidArgumentException("a replicated job's MaxConcurrent and TotalCompletions must not be negative");
    }
  }

  public static ServiceMode ofReplicated(long replicas) {
    return new ServiceMode(new Replicated(replicas), null, null, null);
  }

  public static ServiceMode ofGlobal() {
    return new ServiceMode(null, new Global(), null, null);
  }

  public static ServiceMode ofReplicatedJob(long maxConcurrent, long totalCompletions) {
    return new ServiceMode(null, null, new ReplicatedJob(maxConcurrent, totalCompletions), null);
  }

  public static ServiceMode ofGlobalJob() {
    return new ServiceMode(null, null, null, new Global());
  }

  @JsonIgnore
  public Kind kind() {
    if (replicated != null) {
      return Kind.REPLICATED;
    }
    if (global != null) {
      return Kind.GLOBAL;
    }
    return replicatedJob != null ? Kind.REPLICATED_JOB : Kind.GLOBAL_JOB;
  }
}
