/**
 * Root CA rotation as the swarm runs it (swarmkit's root rotation reconciler): starting one in the
 * store, telling what TLS material a node holds and what it should hold, and finishing the
 * rotation once every node holds a certificate from the new root.
 */
package io.berth.cluster.ca.rotation;
