package io.berth.network.overlay;

/** A port published through the routing mesh: {@code publishedPort} on every node, {@code targetPort} on the tasks. */
public record MeshPort(String protocol, int publishedPort, int targetPort) {}
