/**
 * The managers' replicated state: a versioned key-value store of opaque values grouped by kind
 * ({@link io.berth.cluster.raft.ClusterStore}), replicated with Raft on Apache Ratis
 * ({@link io.berth.cluster.raft.RaftClusterStore}). The object model (nodes, services, tasks) is
 * not known here: values are bytes the model package encodes. Every write is one Raft log entry
 * applied by the same deterministic code on every member ({@link io.berth.cluster.raft.StoreState});
 * reads come from the local copy, so a follower may answer with slightly older data.
 */
package io.berth.cluster.raft;
