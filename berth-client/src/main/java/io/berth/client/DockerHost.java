package io.berth.client;

import io.berth.client.tls.TlsOptions;
import java.util.Map;

/**
 * The daemon address, resolved as docker resolves it: {@code -H/--host}, then
 * {@code BERTH_HOST}, then {@code DOCKER_HOST}, then the default socket; written as
 * {@code unix:///path}, {@code tcp://host[:port]}, a bare socket path or {@code host:port}.
 * A TCP address without a port gets 2375, or 2376 with TLS, as docker's does.
 *
 * @param uri the normalised address ({@code unix:///...} or {@code tcp://host:port})
 * @param tls TLS settings, or null for plain connections
 */
public record DockerHost(String uri, TlsOptions tls) {
  public static final String DEFAULT_SOCKET = "/run/berth/berth.sock";
  public static final String DEFAULT = "unix://" + DEFAULT_SOCKET;

  /** The raw address in effect, before normalisation. */
  public static String pick(String flag, Map<String, String> env) {
    for (String h : new String[] {flag, env.get("BERTH_HOST"), env.get("DOCKER_HOST")}) {
      if (h != null && !h.isBlank()) {
        return h.trim();
      }
    }
    return DEFAULT;
  }

  public static DockerHost resolve(String flag, Map<String, String> env, TlsOptions tls) {
    return new DockerHost(normalize(pick(flag, env), tls != null), tls);
  }

  /** Canonical form of an address; throws IllegalArgumentException naming what was expected. */
  public static String normalize(String raw, boolean tls) {
    String h = raw.trim();
    if (h.startsWith("/")) {
      return "unix://" + h;
    }
    if (h.startsWith("unix://")) {
      String path = h.substring(7);
      return "unix://" + (path.isEmpty() ? DEFAULT_SOCKET : path);
    }
    String rest;
    if (h.startsWith("tcp://")) {
      rest = h.substring(6);
    } else if (h.startsWith("http://") || h.startsWith("https://")) {
      rest = h.substring(h.indexOf("://") + 3);
    } else if (h.contains("://")) {
      throw new IllegalArgumentException("invalid host \"" + raw + "\": the scheme "
          + h.substring(0, h.indexOf("://")) + ":// is not supported (use unix:///path or tcp://host:port)");
    } else {
      rest = h;
    }
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      if (!rest.substring(slash).equals("/")) {
        throw new IllegalArgumentException("invalid host \"" + raw + "\": a path is not supported in a TCP address");
      }
      rest = rest.substring(0, slash);
    }
    String host;
    String port;
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("invalid host \"" + raw + "\": unclosed [ in IPv6 address");
      }
      host = rest.substring(0, close + 1);
      port = rest.length() > close + 1 && rest.charAt(close + 1) == ':' ? rest.substring(close + 2) : "";
    } else {
      int colon = rest.lastIndexOf(':');
      host = colon < 0 ? rest : rest.substring(0, colon);
      port = colon < 0 ? "" : rest.substring(colon + 1);
    }
    if (host.isEmpty()) {
      host = "localhost";
    }
    if (port.isEmpty()) {
      port = tls ? "2376" : "2375";
    }
    try {
      int p = Integer.parseInt(port);
      if (p < 1 || p > 65535) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid host \"" + raw + "\": invalid port \"" + port + "\"");
    }
    return "tcp://" + host + ":" + port;
  }

  public boolean isUnix() {
    return uri.startsWith("unix://");
  }

  /** The socket path of a unix address. */
  public String socketPath() {
    return uri.substring(7);
  }

  /** Host part of a TCP address (IPv6 without brackets). */
  public String tcpHost() {
    String rest = uri.substring(6);
    String h = rest.substring(0, rest.lastIndexOf(':'));
    return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
  }

  public int tcpPort() {
    return Integer.parseInt(uri.substring(uri.lastIndexOf(':') + 1));
  }
}
