package io.berth.daemon.swarm;

import io.berth.errdefs.InvalidArgumentException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The address other nodes reach this one at, chosen as Docker chooses it: the one given
 * ({@code --advertise-addr}, an address or an interface name, port defaulting to the listen
 * port), else the listen address when it names one host, else the host's only global IPv4
 * address (not counting containers' bridges and veths); several candidates are refused with Docker's text naming them.
 */
final class AdvertiseAddress {
  private AdvertiseAddress() {}

  static HostPort choose(String advertise, HostPort listen, String ownBridge) {
    if (advertise != null && !advertise.isBlank()) {
      String a = advertise.trim();
      String name = a.contains(":") && !a.startsWith("[") ? a.substring(0, a.indexOf(':')) : a;
      InetAddress onInterface = interfaceAddress(name);
      if (onInterface != null) {
        int port = a.equals(name) ? listen.port() : HostPort.parse(a, "advertise address").port();
        return new HostPort(onInterface.getHostAddress(), port);
      }
      HostPort given = HostPort.parse(a, "advertise address");
      return a.contains(":") && !a.startsWith("[") || a.startsWith("[") && a.contains("]:") ? given
          : given.withPort(listen.port());
    }
    if (!listen.host().equals("0.0.0.0") && !listen.host().equals("::")) {
      return listen;
    }
    List<String> candidates = new ArrayList<>();
    InetAddress only = null;
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp() || nif.isLoopback() || isBridgeOfContainers(nif.getName(), ownBridge)) {
          continue;
        }
        for (InetAddress addr : Collections.list(nif.getInetAddresses())) {
          if (addr instanceof Inet4Address && !addr.isLinkLocalAddress()) {
            candidates.add(addr.getHostAddress() + " on " + nif.getName());
            only = addr;
          }
        }
      }
    } catch (SocketException e) {
      throw new InvalidArgumentException("could not list this host's addresses to advertise: " + e.getMessage());
    }
    if (candidates.size() == 1) {
      return new HostPort(only.getHostAddress(), listen.port());
    }
    if (candidates.isEmpty()) {
      throw new InvalidArgumentException("could not find a local address to advertise; "
          + "please specify one with --advertise-addr");
    }
    throw new InvalidArgumentException("could not choose an IP address to advertise since this system has "
        + "multiple addresses on different interfaces (" + String.join(" and ", candidates)
        + ") - specify one with --advertise-addr");
  }

  private static InetAddress interfaceAddress(String name) {
    try {
      NetworkInterface nif = NetworkInterface.getByName(name);
      if (nif == null) {
        return null;
      }
      for (InetAddress addr : Collections.list(nif.getInetAddresses())) {
        if (addr instanceof Inet4Address) {
          return addr;
        }
      }
      throw new InvalidArgumentException("interface " + name + " has no IPv4 address to advertise");
    } catch (SocketException e) {
      return null;
    }
  }

  /** Bridges and veths of containers (ours and Docker's) are not addresses other machines reach. */
  private static boolean isBridgeOfContainers(String name, String ownBridge) {
    return name.startsWith("veth") || name.equals("docker0") || name.startsWith("br-") || name.equals(ownBridge);
  }
}
