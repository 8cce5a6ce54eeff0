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
public final class Constraint {
  /** What a constraint's key reads from a node; decided once at parse, not per node. */
  private enum Field { ID, HOSTNAME, IP, ROLE, OS, ARCH, NODE_LABEL, ENGINE_LABEL }

  private final String key;
  private final boolean equal;
  private final String value;
  private final Field field;
  private final String label;

  private Constraint(String key, boolean equal, String value, Field field, String label) {
    this.key = key;
    this.equal = equal;
    this.value = value;
    this.field = field;
    this.label = label;
  }

  public String key() {
    return key;
  }

  public boolean equal() {
    return equal;
  }

  public String value() {
    return value;
  }

  private static final Pattern KEY = Pattern.compile("(?i)^[a-z_][a-z0-9\\-_.]+$");
  private static final Pattern VALUE = Pattern.compile("(?i)^[a-z0-9:\\-_\\s.*()?+\\[\\]\\\\^$|/]+$");
  private static final Map<String, Field> KEYS = Map.of("node.id", Field.ID, "node.hostname", Field.HOSTNAME,
      "node.ip", Field.IP, "node.role", Field.ROLE, "node.platform.os", Field.OS, "node.platform.arch", Field.ARCH);
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
      Field field = KEYS.get(lower);
      String label = null;
      if (lower.startsWith(NODE_LABELS) && lower.length() > NODE_LABELS.length()) {
        field = Field.NODE_LABEL;
        label = key.substring(NODE_LABELS.length());
      } else if (lower.startsWith(ENGINE_LABELS) && lower.length() > ENGINE_LABELS.length()) {
        field = Field.ENGINE_LABEL;
        label = key.substring(ENGINE_LABELS.length());
      }
      if (field == null) {
        throw new InvalidArgumentException("invalid constraint '" + text + "': key '" + key
            + "' is not one of node.id, node.hostname, node.ip, node.role, node.platform.os, "
            + "node.platform.arch, node.labels.<name>, engine.labels.<name>");
      }
      Constraint c = new Constraint(key, op.equals("=="), value, field, label);
      if (field == Field.IP) {
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
    return switch (field) {
      case ID -> compare(node.id());
      case HOSTNAME -> compare(node.description().hostname());
      case IP -> ipMatches(node.status().addr()) == equal;
      case ROLE -> compare(node.spec().role().wire());
      case OS -> compare(node.description().platform().os());
      case ARCH -> compare(node.description().platform().architecture());
      case NODE_LABEL -> compare(node.spec().labels().getOrDefault(label, ""));
      case ENGINE_LABEL -> compare(node.description().engine().labels().getOrDefault(label, ""));
    };
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

  @Override
  public String toString() {
    return key + (equal ? "==" : "!=") + value;
  }
}
