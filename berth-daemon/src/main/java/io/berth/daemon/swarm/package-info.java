/**
 * This node's part in a swarm as the Engine API needs it: the lifecycle ({@code swarm init},
 * {@code join}, {@code leave}, {@code update}, {@code unlock}), what {@code /info} shows, and the
 * cluster state when this node is a manager. The routes speak only these interfaces and records;
 * the implementation wires the cluster store, CA, dispatcher, orchestrators and agent together.
 */
package io.berth.daemon.swarm;
