/**
 * The cluster's objects (nodes, services, tasks) as immutable records shaped after Docker's
 * Engine API and swarmkit, mapped to Docker's wire names with Jackson ({@link
 * io.berth.oci.Json#MAPPER}) so the API layer can render them without a second model. Each field
 * has one writer: the user writes specs, orchestrators a task's desired state, the scheduler its
 * node, the agent its status (docs/design/cluster.md). Changes are new records ({@code with...}).
 */
package io.berth.cluster.model;
