package io.berth.daemon.dashboard;

import io.berth.errdefs.InvalidArgumentException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * Where the dashboard listens ({@code --dashboard-addr HOST:PORT}, daemon.json
 * {@code dashboard-addr}) and with which certificate. Anything but a loopback address must use
 * TLS: the dashboard's own certificate ({@code --dashboard-tlscert/--dashboard-tlskey}) or else
 * the daemon's ({@code --tlscert/--tlskey}); without one the daemon refuses to start, naming the
 * address, rather than send tokens and session cookies in the clear.
 */
public record DashboardSettings(String host, int port, Path tlsCert, Path tlsKey) {

  public boolean tls() {
    return tlsCert != null;
  }

  public String address() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * The settings for {@code addr} (null: the dashboard is off), or the refusal: a malformed address,
   * half a certificate pair, or a non-loopback address with no certificate at all.
   */
  public static DashboardSettings resolve(String addr, Path dashCert, Path dashKey, Path daemonCert, Path daemonKey) {
    if ((dashCert == null) != (dashKey == null)) {
      throw new InvalidArgumentException("--dashboard-tlscert and --dashboard-tlskey go together: give both or neither");
    }
    if (addr == null) {
      if (dashCert != null) {
        throw new InvalidArgumentException("--dashboard-tlscert/--dashboard-tlskey need --dashboard-addr");
      }
      return null;
    }
    int colon = addr.lastIndexOf(':');
    String host = colon < 0 ? "" : addr.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    String portText = colon < 0 ? "" : addr.substring(colon + 1);
    if (host.isEmpty() || !portText.matches("\\d{1,5}") || Integer.parseInt(portText) > 65535) {
      throw new InvalidArgumentException("invalid dashboard-addr " + addr + ": expected HOST:PORT, e.g. 127.0.0.1:9099");
    }
    Path cert = dashCert != null ? dashCert : daemonCert != null && daemonKey != null ? daemonCert : null;
    Path key = dashCert != null ? dashKey : cert != null ? daemonKey : null;
    if (cert == null && !loopback(host, addr)) {
      throw new InvalidArgumentException("refusing to serve the dashboard on " + addr
          + " without TLS: use a loopback address (e.g. 127.0.0.1:" + portText
          + ") or give --dashboard-tlscert/--dashboard-tlskey (or the daemon's --tlscert/--tlskey)");
    }
    return new DashboardSettings(host, Integer.parseInt(portText), cert, key);
  }

  private static boolean loopback(String host, String addr) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      throw new InvalidArgumentException("invalid dashboard-addr " + addr + ": unknown host " + host);
    }
  }
}
