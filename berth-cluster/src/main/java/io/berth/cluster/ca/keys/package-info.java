/**
 * A node's key material on disk and autolock: the node key, its certificate chain and the
 * cluster root in a directory the caller owns, files 0600; with autolock the key is stored
 * encrypted (PKCS#8, PBES2 with AES-256-CBC) under the key-encrypting key the user holds as a
 * {@code SWMKEY-1-...} unlock key, as swarmkit's KeyReadWriter does.
 */
package io.berth.cluster.ca.keys;
