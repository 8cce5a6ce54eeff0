/**
 * The managers' use cases behind the Engine API's cluster endpoints: create, update and remove
 * services, update and remove nodes, list and find tasks, each over
 * {@link io.berth.cluster.state.ClusterState} with Docker's rules and error texts. The user's
 * writes happen here only (one writer per field: the user's specs); the API layer translates.
 * {@link io.berth.cluster.control.ServiceSpecReader} and
 * {@link io.berth.cluster.control.SwarmSpecReader} read Docker's JSON and refuse, by name, what
 * Berth does not honour.
 */
package io.berth.cluster.control;
