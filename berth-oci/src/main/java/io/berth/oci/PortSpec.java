package io.berth.oci;

import io.berth.errdefs.InvalidArgumentException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Docker's published-port notation, {@code [ip:][hostPort[-end]:]containerPort[-end][/proto]},
 * as {@code docker run -p} and compose's short {@code ports:} syntax write it. One parser for
 * the CLI, compose and the daemon, with Docker's rules and error words: IPv6 host addresses in
 * brackets, container and host ranges of the same length, or one container port with a host
 * range (a range to pick the host port from).
 *
 * @param hostIp the host address, brackets removed; empty for all addresses
 * @param hostStart first host port, 0 when none was given (the daemon picks one)
 * @param hostEnd last host port (equal to {@code hostStart} without a range)
 */
public record PortSpec(String hostIp, int hostStart, int hostEnd, int containerStart, int containerEnd,
    String protocol) {
  private static final Pattern DIGITS = Pattern.compile("\\d{1,5}");
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  /** One container port and what the host publishes it on; {@code hostPort} as the API spells it ("" for any). */
  public record Mapping(ExposedPort port, String hostIp, String hostPort) {}

  /** Parses one spec; InvalidArgumentException with Docker's words ("invalid containerPort: x") when malformed. */
  public static PortSpec parse(String spec) {
    if (spec == null || spec.isEmpty()) {
      throw new InvalidArgumentException("no port specified: <empty>");
    }
    String[] parts = spec.split(":", -1);
    int n = parts.length;
    String rawIp = n >= 3 ? String.join(":", java.util.Arrays.copyOfRange(parts, 0, n - 2)) : "";
    String host = n >= 2 ? parts[n - 2] : "";
    String container = parts[n - 1];
    String proto = "";
    int slash = container.indexOf('/');
    if (slash >= 0) {
      proto = container.substring(slash + 1);
      container = container.substring(0, slash);
    }
    String ip = hostIp(rawIp);
    if (container.isEmpty()) {
      throw new InvalidArgumentException("no port specified: " + spec + "<empty>");
    }
    int[] c = range(container, "containerPort");
    if (c[0] < 1) {
      throw new InvalidArgumentException("invalid containerPort: " + container);
    }
    int[] h = host.isEmpty() ? new int[] {0, 0} : range(host, "hostPort");
    if (!host.isEmpty() && h[1] - h[0] != c[1] - c[0] && c[0] != c[1]) {
      throw new InvalidArgumentException("invalid ranges specified for container and host Ports: "
          + container + " and " + host);
    }
    return new PortSpec(ip, h[0], h[1], c[0], c[1], ExposedPort.protocol(proto));
  }

  /**
   * One mapping per container port: ranges of equal length pair up port by port; a single
   * container port with a host range keeps the range ({@code 8000-8010}), as Docker sends it.
   */
  public List<Mapping> mappings() {
    List<Mapping> out = new ArrayList<>();
    int count = containerEnd - containerStart + 1;
    for (int i = 0; i < count; i++) {
      String hostPort = "";
      if (hostStart != 0 || hostEnd != 0) {
        hostPort = Integer.toString(hostStart + i);
        if (count == 1 && hostEnd != hostStart) {
          hostPort += "-" + hostEnd;
        }
      }
      out.add(new Mapping(new ExposedPort(containerStart + i, protocol), hostIp, hostPort));
    }
    return out;
  }

  /**
   * A host port as the Engine API's {@code HostPort} carries it: empty (or 0) means "pick one".
   * Ranges are refused by name, as Berth publishes one host port per binding.
   */
  public static int hostPort(String s) {
    if (s == null || s.isEmpty()) {
      return 0;
    }
    if (s.contains("-")) {
      throw new InvalidArgumentException("invalid port specification: \"" + s
          + "\" (host port ranges are not supported: give one port, or none to pick one)");
    }
    int p = number(s);
    if (p < 0) {
      throw new InvalidArgumentException("invalid port specification: \"" + s + "\"");
    }
    return p;
  }

  /** A port number 0-65535, or -1 when {@code s} is not one. */
  static int number(String s) {
    if (!DIGITS.matcher(s).matches()) {
      return -1;
    }
    int p = Integer.parseInt(s);
    return p <= 65535 ? p : -1;
  }

  private static int[] range(String s, String what) {
    String[] p = s.split("-", -1);
    int a = p.length <= 2 ? number(p[0]) : -1;
    int b = p.length == 2 ? number(p[1]) : a;
    if (a < 0 || b < a) {
      throw new InvalidArgumentException("invalid " + what + ": " + s);
    }
    return new int[] {a, b};
  }

  /** Strips the brackets of an IPv6 address and checks that what is left is an address literal. */
  private static String hostIp(String raw) {
    if (raw.isEmpty()) {
      return "";
    }
    String ip = raw;
    if (ip.startsWith("[")) {
      if (!ip.endsWith("]")) {
        throw new InvalidArgumentException("invalid IP address " + raw + ": missing ']' in address");
      }
      ip = ip.substring(1, ip.length() - 1);
    }
    var v4 = IPV4.matcher(ip);
    if (v4.matches()) {
      for (int i = 1; i <= 4; i++) {
        if (Integer.parseInt(v4.group(i)) > 255) {
          throw new InvalidArgumentException("invalid IP address: " + ip);
        }
      }
      return ip;
    }
    // only a string with a colon can be an IPv6 literal, and InetAddress never resolves those
    if (ip.contains(":") && ip.matches("[0-9a-fA-F:.]+")) {
      try {
        InetAddress.getByName(ip);
        return ip;
      } catch (UnknownHostException e) {
        // falls through to the refusal
      }
    }
    throw new InvalidArgumentException("invalid IP address: " + ip);
  }
}
