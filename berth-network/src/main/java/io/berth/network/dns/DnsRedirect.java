package io.berth.network.dns;

import io.berth.network.Nft;
import java.nio.file.Path;

/**
 * Keeps port 53 free inside a container, as Docker does: the embedded server's sockets are bound
 * to ephemeral ports of 127.0.0.11, and a NAT table in the container's namespace sends what the
 * container addresses to 127.0.0.11:53 there (the replies are rewritten back by conntrack). A
 * container may then run its own DNS server on {@code 0.0.0.0:53}, UDP or TCP, which a socket
 * of ours on 127.0.0.11:53 would refuse ("address already in use").
 */
final class DnsRedirect {
  /** The table in the container's namespace (beside the VIPs' {@code berth_services}). */
  static final String TABLE = "berth_dns";

  private DnsRedirect() {}

  /** Points 127.0.0.11:53 in {@code netns} at the server's {@code udpPort} and {@code tcpPort}, replacing an earlier redirect. */
  static void apply(Path netns, int udpPort, int tcpPort) {
    Nft.applyIn(netns, script(udpPort, tcpPort));
  }

  /** The whole table as one atomic script; pure, for tests. */
  static String script(int udpPort, int tcpPort) {
    String server = EmbeddedDns.ADDRESS.getAddress().getHostAddress();
    int port = EmbeddedDns.ADDRESS.getPort();
    return "add table ip " + TABLE + "\n"
        + "delete table ip " + TABLE + "\n"
        + "table ip " + TABLE + " {\n"
        + "  chain output {\n"
        + "    type nat hook output priority -100; policy accept;\n"
        + "    ip daddr " + server + " udp dport " + port + " dnat ip to " + server + ":" + udpPort + "\n"
        + "    ip daddr " + server + " tcp dport " + port + " dnat ip to " + server + ":" + tcpPort + "\n"
        + "  }\n"
        + "}\n";
  }
}
