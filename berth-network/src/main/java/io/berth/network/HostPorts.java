package io.berth.network;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Asks the kernel whether a host port is free by binding it for a moment. Published ports are
 * DNAT rules, not sockets, so without this check a container could silently take a port a host
 * service listens on (the DNAT would win for remote clients and the service would vanish).
 */
final class HostPorts {
  enum Bind { FREE, IN_USE, ADDRESS_NOT_LOCAL }

  private HostPorts() {}

  static Bind tryBind(String hostIp, int port, String protocol) {
    InetSocketAddress addr;
    try {
      addr = new InetSocketAddress(
          InetAddress.getByName(NatRules.isWildcard(hostIp) ? "0.0.0.0" : hostIp), port);
    } catch (IOException e) {
      return Bind.ADDRESS_NOT_LOCAL;
    }
    try {
      if (protocol.equals("udp")) {
        try (DatagramSocket s = new DatagramSocket(null)) {
          s.bind(addr);
        }
      } else {
        try (ServerSocket s = new ServerSocket()) {
          // SO_REUSEADDR ignores TIME_WAIT leftovers (not a real owner) but still fails on a listener
          s.setReuseAddress(true);
          s.bind(addr);
        }
      }
      return Bind.FREE;
    } catch (BindException e) {
      String m = String.valueOf(e.getMessage());
      return m.contains("assign requested address") ? Bind.ADDRESS_NOT_LOCAL : Bind.IN_USE;
    } catch (IOException e) {
      return Bind.IN_USE;
    }
  }

  /** The kernel's ephemeral range, where Docker also picks ports for {@code -p 80} / {@code -P}. */
  static int[] ephemeralRange() {
    try {
      String[] r = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
      return new int[] {Integer.parseInt(r[0]), Integer.parseInt(r[1])};
    } catch (IOException | RuntimeException e) {
      return new int[] {32768, 60999};
    }
  }
}
