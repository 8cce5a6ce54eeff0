/**
 * The cluster's networks as nodes see them: the view each node is sent with its assignments
 * ({@link io.berth.cluster.network.NetworkView}) and how managers derive it from the store.
 */
package io.berth.cluster.network;
