/**
 * The cluster's public key infrastructure, as swarmkit's {@code ca} package shapes it: one root CA
 * per cluster (ECDSA P-256, 20 years), node certificates naming the node id (CN), its role (OU
 * {@code swarm-manager} or {@code swarm-worker}) and the cluster id (O), 90 days by default and
 * renewed at a random point between half and four fifths of their life; join tokens that pin the
 * root by digest; root rotation through a certificate of the new root cross-signed by the old.
 * {@code tls} turns a node's credentials into mutual-TLS key and trust managers; {@code keys}
 * keeps a node's key and certificate on disk, encrypted under the autolock key when asked.
 */
package io.berth.cluster.ca;
