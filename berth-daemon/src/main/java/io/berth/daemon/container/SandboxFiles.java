package io.berth.daemon.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the per-container {@code /etc/hosts}, {@code /etc/resolv.conf} and
 * {@code /etc/hostname} that are bind-mounted into the container, as Docker does, so the image's
 * own files are never modified.
 */
final class SandboxFiles {
  private SandboxFiles() {}

  /** @param embeddedDns the container is on a user-defined network: its resolver is 127.0.0.11 */
  static void write(Container c, Path dir, String ip, boolean embeddedDns, List<String> linkHosts) {
    String hostname = c.configSpec().hostnameOr(c.shortId());
    String domain = c.configSpec().domainname();
    StringBuilder hosts = new StringBuilder();
    hosts.append("127.0.0.1\tlocalhost\n");
    hosts.append("::1\tlocalhost ip6-localhost ip6-loopback\n");
    hosts.append("fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\n");
    hosts.append("ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n");
    for (String h : c.host().dns().extraHosts()) {
      String[] kv = h.split(":", 2);
      if (kv.length == 2) {
        hosts.append(kv[1]).append('\t').append(kv[0]).append('\n');
      }
    }
    linkHosts.forEach(l -> hosts.append(l).append('\n'));
    if (ip != null) {
      hosts.append(ip).append('\t').append(hostname)
          .append(domain.isEmpty() ? "" : " " + hostname + "." + domain).append('\n');
    }
    try {
      Files.createDirectories(dir);
      Path hostsPath = dir.resolve("hosts");
      Path resolvPath = dir.resolve("resolv.conf");
      Path hostnamePath = dir.resolve("hostname");
      Files.writeString(hostsPath, hosts);
      Files.writeString(hostnamePath, hostname + "\n");
      Files.writeString(resolvPath, resolvConf(c, embeddedDns));
      c.hostsPath = hostsPath.toString();
      c.resolvConfPath = resolvPath.toString();
      c.hostnamePath = hostnamePath.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("writing sandbox files for " + c.id, e);
    }
  }

  /**
   * The host's resolvers minus loopback ones (unreachable from the container's namespace),
   * falling back to public resolvers as Docker does; --dns/--dns-search/--dns-option win.
   */
  private static String resolvConf(Container c, boolean embeddedDns) throws IOException {
    HostSpec.Dns dns = c.host().dns();
    List<String> servers = new ArrayList<>(dns.servers());
    List<String> other = new ArrayList<>();
    Path host = Path.of("/etc/resolv.conf");
    if (Files.isReadable(host)) {
      for (String line : Files.readAllLines(host)) {
        String t = line.trim();
        if (t.startsWith("nameserver")) {
          String addr = t.substring("nameserver".length()).trim();
          if (dns.servers().isEmpty() && !addr.startsWith("127.") && !addr.equals("::1")) {
            servers.add(addr);
          }
        } else if ((t.startsWith("search") && dns.search().isEmpty())
            || (t.startsWith("options") && dns.options().isEmpty())) {
          other.add(t);
        }
      }
    }
    if (embeddedDns) {
      // Docker's embedded resolver address: names of the networks' containers, the rest forwarded
      servers.clear();
      servers.add("127.0.0.11");
      other.removeIf(o -> o.startsWith("options"));
      if (dns.options().isEmpty()) {
        other.add("options ndots:0");
      }
    } else if (servers.isEmpty()) {
      servers.add("8.8.8.8");
      servers.add("8.8.4.4");
    }
    StringBuilder sb = new StringBuilder();
    servers.forEach(s -> sb.append("nameserver ").append(s).append('\n'));
    if (!dns.search().isEmpty()) {
      sb.append("search");
      dns.search().forEach(s -> sb.append(' ').append(s));
      sb.append('\n');
    }
    if (!dns.options().isEmpty()) {
      sb.append("options");
      dns.options().forEach(s -> sb.append(' ').append(s));
      sb.append('\n');
    }
    other.forEach(o -> sb.append(o).append('\n'));
    return sb.toString();
  }
}
