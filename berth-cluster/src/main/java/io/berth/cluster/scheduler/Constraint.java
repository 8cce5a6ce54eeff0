package io.berth.cluster.scheduler;

import io.berth.cluster.model.Node;
import io.berth.errdefs.InvalidArgumentException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One placement constraint, {@code KEY==VALUE} or {@code KEY!=VALUE}, in Docker's syntax and with
 * swarmkit's matching: keys and values compare without regard to case (label names with it), a
 * missing label or hostname reads as empty (so {@code !=} matches it). Keys: node.id,
 * node.hostname, node.ip (an address or a CIDR network), node.role, node.platform.os,
 * node.platform.arch, node.labels.NAME, engine.labels.NAME. Unlike swarmkit, which accepts any
 * key and then never places the task, an unknown key is refused by name when parsed.
 */
public record Constraint(String key, boolean equal, String value) {
  private static final Pattern KEY = Pattern.compile("(?i)^[a-z_][a-z0-9\\-_.]+$");
  private static final Pattern VALUE = Pattern.compile("(?i)^[a-z0-9:\\-_\\s.*()?+\\[\\]\\\\^$|/]+$");
  private static final List<String> KEYS = List.of("node.id", "node.hostname", "node.ip", "node.role",
      "node.platform.os", "node.platform.arch");
  private static final String NODE_LABELS = "node.labels.";
  private static final String ENGINE_LABELS = "engine.labels.";

  /** Parses Docker's text, refusing a missing operator, a malformed key or value, or an unknown key. */
  public static Constraint parse(String text) {
    for (String op : new String[] {"==", "!="}) {
      int at = text.indexOf(op);
      if (at < 0) {
        continue;
      }
      String key = text.substring(0, at).trim();
      String value = text.substring(at + 2).trim();
      if (!KEY.matcher(key).matches()) {
        throw new InvalidArgumentException("invalid constraint '" + text + "': key '" + key + "' is invalid");
      }
      if (!VALUE.matcher(value).matches()) {
        throw new InvalidArgumentException("invalid constraint '" + text + "': value '" + value + "' is invalid");
      }
      String lower = key.toLowerCase(Locale.ROOT);
      boolean label = (lower.startsWith(NODE_LABELS) && lower.length() > NODE_LABELS.length())
          || (lower.startsWith(ENGINE_LABELS) && lower.length() > ENGINE_LABELS.length());
      if (!label && !KEYS.contains(lower)) {
        throw new InvalidArgumentException("invalid constraint '" + text + "': key '" + key
            + "' is not one of node.id, node.hostname, node.ip, node.role, node.platform.os, "
            + "node.platform.arch, node.labels.<name>, engine.labels.<name>");
      }
      Constraint c = new Constraint(key, op.equals("=="), value);
      if (lower.equals("node.ip")) {
        c.ipMatches("0.0.0.0");
      }
      return c;
    }
    throw new InvalidArgumentException("invalid constraint '" + text + "': constraint expected one operator from ==, !=");
  }

  public static List<Constraint> parseAll(List<String> texts) {
    List<Constraint> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      out.add(parse(t));
    }
    return out;
  }

  public static boolean allMatch(List<Constraint> constraints, Node node) {
    for (Constraint c : constraints) {
      if (!c.matches(node)) {
        return false;
      }
    }
    return true;
  }

  public boolean matches(Node node) {
    String lower = key.toLowerCase(Locale.ROOT);
    return switch (lower) {
      case "node.id" -> compare(node.id());
      case "node.hostname" -> compare(node.description().hostname());
      case "node.ip" -> ipMatches(node.status().addr()) == equal;
      case "node.role" -> compare(node.spec().role().wire());
      case "node.platform.os" -> compare(node.description().platform().os());
      case "node.platform.arch" -> compare(node.description().platform().architecture());
      default -> lower.startsWith(NODE_LABELS)
          ? compare(label(node.spec().labels(), key.substring(NODE_LABELS.length())))
          : compare(label(node.description().engine().labels(), key.substring(ENGINE_LABELS.length())));
    };
  }

  private static String label(Map<String, String> labels, String name) {
    return labels.getOrDefault(name, "");
  }

  private boolean compare(String actual) {
    return value.equalsIgnoreCase(actual == null ? "" : actual) == equal;
  }

  /** Whether {@code addr} is the address or inside the network the value names; a value that is neither is refused. */
  private boolean ipMatches(String addr) {
    int slash = value.indexOf('/');
    byte[] net = literal(slash < 0 ? value : value.substring(0, slash));
    int bits;
    try {
      bits = slash < 0 ? net.length * 8 : Integer.parseInt(value.substring(slash + 1));
    } catch (NumberFormatException e) {
      bits = -1;
    }
    if (bits < 0 || bits > net.length * 8) {
      throw new InvalidArgumentException("invalid constraint '" + key + "': '" + value + "' is not an IP address or CIDR network");
    }
    byte[] ip;
    try {
      ip = addr == null ? null : InetAddress.ofLiteral(addr).getAddress();
    } catch (IllegalArgumentException e) {
      ip = null;
    }
    if (ip == null || ip.length != net.length) {
      return false;
    }
    for (int i = 0; i < bits; i++) {
      int mask = 0x80 >> (i % 8);
      if ((ip[i / 8] & mask) != (net[i / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  private byte[] literal(String text) {
    try {
      return InetAddress.ofLiteral(text).getAddress();
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("invalid constraint '" + key + "': '" + value + "' is not an IP address or CIDR network");
    }
  }
}
