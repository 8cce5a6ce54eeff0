/**
 * Manager-node traffic of swarm mode (swarmkit's dispatcher and node CA): one gRPC service with
 * JSON messages over the cluster's mutual TLS (decision 0035). {@link
 * io.berth.cluster.dispatcher.DispatcherServer} runs on every manager; {@link
 * io.berth.cluster.dispatcher.DispatcherClient} joins a node and opens its {@link
 * io.berth.cluster.dispatcher.DispatcherSession}, which carries the node's assignments,
 * heartbeats, task status reports and certificate renewals.
 */
package io.berth.cluster.dispatcher;
