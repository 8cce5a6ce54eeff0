package io.berth.network;

import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * IPv4 address allocation within one subnet: skips the network, gateway and broadcast
 * addresses, hands out addresses in order after the last one given (so a released address is
 * not reused at once), and persists allocations so they survive a daemon restart.
 */
final class Ipam {
  private final int network;
  private final int prefix;
  private final int gateway;
  private final Path file;
  private final Map<String, String> byOwner = new TreeMap<>();
  private int last;

  Ipam(String gatewayCidr, Path file) {
    String[] p = gatewayCidr.split("/");
    if (p.length != 2) {
      throw new InvalidArgumentException("invalid CIDR " + gatewayCidr);
    }
    this.prefix = Integer.parseInt(p[1]);
    if (prefix < 8 || prefix > 30) {
      throw new InvalidArgumentException("subnet prefix must be between /8 and /30: " + gatewayCidr);
    }
    this.gateway = toInt(p[0]);
    this.network = gateway & mask();
    this.file = file;
    this.last = gateway;
    load();
  }

  private int mask() {
    return (int) (0xffffffffL << (32 - prefix));
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

  synchronized String allocate(String owner, String requested) {
    if (byOwner.containsKey(owner)) {
      return byOwner.get(owner);
    }
    if (requested != null) {
      int r = toInt(requested);
      if ((r & mask()) != network || r == gateway || r == network || r == broadcast()) {
        throw new InvalidArgumentException("requested address " + requested + " is not usable in " + subnet());
      }
      if (byOwner.containsValue(requested)) {
        throw new ConflictException("address " + requested + " is already in use");
      }
      byOwner.put(owner, requested);
      save();
      return requested;
    }
    int size = 1 << (32 - prefix);
    for (int i = 1; i <= size; i++) {
      int cand = network + (int) (((long) (last - network) + i) % size);
      if (cand == network || cand == gateway || cand == broadcast() || byOwner.containsValue(toString(cand))) {
        continue;
      }
      last = cand;
      byOwner.put(owner, toString(cand));
      save();
      return toString(cand);
    }
    throw new UnavailableException("no free address left in " + subnet());
  }

  synchronized void release(String owner) {
    if (byOwner.remove(owner) != null) {
      save();
    }
  }

  synchronized void reserve(String owner, String ip) {
    byOwner.put(owner, ip);
    save();
  }

  private int broadcast() {
    return network | ~mask();
  }

  private void load() {
    if (!Files.exists(file)) {
      return;
    }
    try {
      for (String line : Files.readAllLines(file)) {
        String[] kv = line.split(" ");
        if (kv.length == 2) {
          byOwner.put(kv[0], kv[1]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file, e);
    }
  }

  private void save() {
    StringBuilder sb = new StringBuilder();
    byOwner.forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, sb);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file, e);
    }
  }

  static int toInt(String ip) {
    String[] p = ip.split("\\.");
    if (p.length != 4) {
      throw new InvalidArgumentException("invalid IPv4 address: " + ip);
    }
    int v = 0;
    for (String s : p) {
      int b;
      try {
        b = Integer.parseInt(s);
      } catch (NumberFormatException e) {
        throw new InvalidArgumentException("invalid IPv4 address: " + ip);
      }
      if (b < 0 || b > 255) {
        throw new InvalidArgumentException("invalid IPv4 address: " + ip);
      }
      v = (v << 8) | b;
    }
    return v;
  }

  static String toString(int v) {
    return ((v >>> 24) & 255) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
  }
}
