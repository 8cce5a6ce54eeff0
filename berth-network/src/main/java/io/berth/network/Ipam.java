package io.berth.network;

import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * IPv4 address allocation within one subnet. Skips the network, gateway and broadcast
 * addresses and hands out addresses in order after the last one given, so a released address
 * is not reused at once (a stale ARP entry or a late packet then cannot reach the wrong
 * container). Allocations are saved to a JSON file after every change and read back on
 * construction, so addresses of containers that outlive the daemon stay taken.
 */
final class Ipam {
  /** What is persisted: the subnet (to notice a changed configuration), the cursor and who holds what. */
  record State(String subnet, String last, Map<String, String> allocations) {}

  private final int network;
  private final int prefix;
  private final int gateway;
  /** Automatic addresses come from [rangeLo, rangeHi] (the subnet unless an ip-range was given). */
  private final int rangeLo;
  private final int rangeHi;
  private final StateFile<State> file;
  private final Map<String, String> byOwner = new TreeMap<>();
  private int last;

  /**
   * @param gatewayCidr gateway address with the subnet's prefix length, e.g. 10.88.0.1/16
   * @param file JSON file holding the allocations
   */
  Ipam(String gatewayCidr, Path file) {
    this(gatewayCidr, null, file);
  }

  /** @param ipRange CIDR inside the subnet that automatic addresses are taken from, or null */
  Ipam(String gatewayCidr, String ipRange, Path file) {
    String[] p = gatewayCidr == null ? new String[0] : gatewayCidr.split("/");
    if (p.length != 2 || !p[1].matches("\\d{1,2}")) {
      throw new InvalidArgumentException("invalid gateway CIDR " + gatewayCidr + " (expected e.g. 10.88.0.1/16)");
    }
    this.prefix = Integer.parseInt(p[1]);
    if (prefix < 8 || prefix > 30) {
      throw new InvalidArgumentException("subnet prefix must be between /8 and /30: " + gatewayCidr);
    }
    this.gateway = toInt(p[0]);
    this.network = gateway & mask();
    if (gateway == network || gateway == broadcast()) {
      throw new InvalidArgumentException("gateway " + p[0] + " is the network or broadcast address of " + subnet());
    }
    if (ipRange == null || ipRange.isEmpty()) {
      rangeLo = network;
      rangeHi = broadcast();
    } else {
      String[] r = ipRange.split("/");
      if (r.length != 2 || !r[1].matches("\\d{1,2}") || Integer.parseInt(r[1]) > 32) {
        throw new InvalidArgumentException("invalid ip-range " + ipRange + " (expected CIDR, e.g. 172.20.5.0/24)");
      }
      int len = Integer.parseInt(r[1]);
      int m = len == 0 ? 0 : (int) (0xffffffffL << (32 - len));
      int lo = toInt(r[0]) & m;
      if (len < prefix || (lo & mask()) != network) {
        throw new InvalidArgumentException("ip-range " + ipRange + " is not inside subnet " + subnet());
      }
      rangeLo = lo;
      rangeHi = lo | ~m;
    }
    this.file = new StateFile<>(file, State.class);
    this.last = gateway;
    load();
  }

  String subnet() {
    return toString(network) + "/" + prefix;
  }

  String gateway() {
    return toString(gateway);
  }

  int prefix() {
    return prefix;
  }

  synchronized Map<String, String> allocations() {
    return Map.copyOf(byOwner);
  }

  /**
   * The owner's address: the one it already holds, {@code requested} if given (must be a
   * usable, free address of the subnet), or the next free one.
   */
  synchronized String allocate(String owner, String requested) {
    String held = byOwner.get(owner);
    if (held != null && (requested == null || requested.equals(held))) {
      return held;
    }
    if (requested != null) {
      checkUsable(requested);
      ensureFree(owner, requested);
      byOwner.put(owner, requested);
      save();
      return requested;
    }
    long size = Integer.toUnsignedLong(rangeHi - rangeLo) + 1;
    long cursor = Integer.compareUnsigned(last, rangeLo) >= 0 && Integer.compareUnsigned(last, rangeHi) <= 0
        ? Integer.toUnsignedLong(last - rangeLo) : size - 1;
    for (long i = 1; i <= size; i++) {
      int cand = rangeLo + (int) ((cursor + i) % size);
      String ip = toString(cand);
      if (cand == network || cand == gateway || cand == broadcast() || byOwner.containsValue(ip)) {
        continue;
      }
      last = cand;
      byOwner.put(owner, ip);
      save();
      return ip;
    }
    throw new UnavailableException("no available IPv4 addresses left in "
        + (rangeLo == network && rangeHi == broadcast() ? subnet() : "the ip-range of " + subnet()));
  }

  synchronized void release(String owner) {
    if (byOwner.remove(owner) != null) {
      save();
    }
  }

  private void ensureFree(String owner, String ip) {
    byOwner.forEach((o, a) -> {
      if (a.equals(ip) && !o.equals(owner)) {
        throw new ConflictException("address " + ip + " is already in use");
      }
    });
  }

  private void checkUsable(String ip) {
    int r = toInt(ip);
    if ((r & mask()) != network || r == gateway || r == network || r == broadcast()) {
      throw new InvalidArgumentException("requested address " + ip + " is not a usable address of " + subnet()
          + " (network, gateway " + gateway() + " and broadcast are excluded)");
    }
  }

  private int mask() {
    return (int) (0xffffffffL << (32 - prefix));
  }

  private int broadcast() {
    return network | ~mask();
  }

  private boolean inSubnet(String ip) {
    try {
      int v = toInt(ip);
      return (v & mask()) == network && v != network && v != gateway && v != broadcast();
    } catch (InvalidArgumentException e) {
      return false;
    }
  }

  private void load() {
    State s = file.read();
    if (s == null) {
      return;
    }
    if (s.allocations() != null) {
      // Entries outside the subnet belong to an older configuration (bip changed); they cannot
      // be routed on this bridge any more, so they are dropped instead of blocking addresses.
      s.allocations().forEach((owner, ip) -> {
        if (inSubnet(ip)) {
          byOwner.put(owner, ip);
        }
      });
    }
    if (s.last() != null && inSubnet(s.last())) {
      last = toInt(s.last());
    }
  }

  private void save() {
    file.write(new State(subnet(), toString(last), new TreeMap<>(byOwner)));
  }

  static int toInt(String ip) {
    return Ipv4.parse(ip);
  }

  static String toString(int v) {
    return Ipv4.format(v);
  }
}
