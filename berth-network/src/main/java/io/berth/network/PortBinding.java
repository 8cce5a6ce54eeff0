package io.berth.network;

/**
 * One published port: {@code hostIp} empty for all addresses, {@code hostPort} 0 to pick one;
 * {@code protocol} tcp or udp.
 */
public record PortBinding(String hostIp, int hostPort, int containerPort, String protocol) {}
