package io.berth.network.overlay;

/** One port of a virtual IP: {@code protocol} tcp or udp, {@code port} on the VIP, {@code targetPort} on the backends. */
public record ServicePort(String protocol, int port, int targetPort) {}
