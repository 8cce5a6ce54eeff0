package io.berth.network.overlay;

/**
 * A task of a mesh-published service: its address on the ingress network, and whether it runs on
 * this node (then the client's address is kept; a remote one is reached with this node's ingress
 * address as source, so the reply comes back through this node).
 */
public record MeshBackend(String ip, boolean local) {}
