package io.berth.daemon.swarm;

import io.berth.cluster.model.Cluster;

/** {@code GET /swarm}: the cluster object with the current join tokens (Docker's Swarm object). */
public record SwarmDetails(Cluster cluster, String workerToken, String managerToken) {}
