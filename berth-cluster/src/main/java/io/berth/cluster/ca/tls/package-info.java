/**
 * Mutual TLS between cluster nodes: key and trust managers over a node's current credentials
 * (swapped in place on renewal or root rotation, so open listeners need no rebuild) and the
 * {@code SSLContext}s and engines built from them. Both sides must present a certificate of this
 * cluster; each side names the roles it accepts from its peer.
 */
package io.berth.cluster.ca.tls;
