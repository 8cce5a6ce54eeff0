package io.berth.daemon.swarm;

import io.berth.errdefs.InvalidArgumentException;

/**
 * A swarm address as users write it ({@code 10.0.0.1}, {@code 10.0.0.1:2377}, {@code [::1]:2377});
 * the port defaults to 2377 as Docker's does. Interface names ({@code eth0}) are resolved by the
 * caller before this.
 */
record HostPort(String host, int port) {
  static final int DEFAULT_PORT = 2377;

  HostPort {
    if (host == null || host.isEmpty()) {
      throw new InvalidArgumentException("a swarm address needs a host");
    }
    if (port < 1 || port > 65535) {
      throw new InvalidArgumentException("invalid port " + port + " in swarm address " + host);
    }
  }

  static HostPort parse(String text, String what) {
    if (text == null || text.isBlank()) {
      throw new InvalidArgumentException(what + " must not be empty");
    }
    String t = text.trim();
    String host = t;
    String port = null;
    if (t.startsWith("[")) {
      int end = t.indexOf(']');
      if (end < 0) {
        throw new InvalidArgumentException("invalid " + what + " \"" + text + "\": unclosed '['");
      }
      host = t.substring(1, end);
      if (end + 1 < t.length()) {
        if (t.charAt(end + 1) != ':') {
          throw new InvalidArgumentException("invalid " + what + " \"" + text + "\"");
        }
        port = t.substring(end + 2);
      }
    } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
      host = t.substring(0, t.indexOf(':'));
      port = t.substring(t.indexOf(':') + 1);
    }
    int p = DEFAULT_PORT;
    if (port != null) {
      try {
        p = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        throw new InvalidArgumentException("invalid port \"" + port + "\" in " + what + " \"" + text + "\"");
      }
    }
    return new HostPort(host, p);
  }

  HostPort withPort(int value) {
    return new HostPort(host, value);
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
