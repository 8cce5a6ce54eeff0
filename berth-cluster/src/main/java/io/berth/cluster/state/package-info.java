/**
 * The cluster store as Docker's objects (nodes, services, tasks, the swarm): one place that
 * decides kinds, keys and encodings, so loops, routes and the dispatcher agree on them.
 */
package io.berth.cluster.state;
