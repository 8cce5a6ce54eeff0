package io.berth.distribution;

import java.net.InetAddress;
import java.util.List;

/**
 * Everything about reaching registries that comes from outside a single pull or push: the
 * caller's credentials and the registries the daemon's configuration allows over plain HTTP
 * ({@code insecure-registries}: host:port entries or CIDRs), besides loopback, which always may.
 */
public record RegistryAccess(Credentials credentials, List<String> insecureRegistries) {
  public static final RegistryAccess ANONYMOUS = new RegistryAccess(Credentials.NONE, List.of());

  public RegistryAccess {
    credentials = credentials == null ? Credentials.NONE : credentials;
    insecureRegistries = insecureRegistries == null ? List.of() : List.copyOf(insecureRegistries);
  }

  public RegistryAccess with(Credentials c) {
    return new RegistryAccess(c, insecureRegistries);
  }

  public RegistryTransport transport(String domain) {
    return new RegistryTransport(domain, credentials, plainHttp(domain));
  }

  /** Loopback, or listed as insecure by name or by a CIDR containing its address. */
  public boolean plainHttp(String domain) {
    if (RegistryTransport.isLoopback(domain)) {
      return true;
    }
    String host = domain.replaceFirst(":\\d+$", "").replaceAll("^\\[|]$", "");
    for (String entry : insecureRegistries) {
      if (entry.equals(domain) || entry.equals(host)) {
        return true;
      }
      if (entry.contains("/") && inCidr(host, entry)) {
        return true;
      }
    }
    return false;
  }

  private static boolean inCidr(String host, String cidr) {
    try {
      byte[] addr = InetAddress.getByName(host).getAddress();
      String[] p = cidr.split("/");
      byte[] net = InetAddress.getByName(p[0]).getAddress();
      int bits = Integer.parseInt(p[1]);
      if (addr.length != net.length) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((addr[i / 8] & mask) != (net[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
