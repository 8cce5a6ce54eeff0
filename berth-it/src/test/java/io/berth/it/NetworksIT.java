package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * User-defined bridge networks through the stock docker CLI: the network verbs, containers on
 * several networks, isolation, internal networks, published ports on a user network, and what
 * is left on the host (bridges, nft tables) after removal.
 */
class NetworksIT {
  @BeforeAll
  static void daemon() {
    TestDaemon.ensure();
  }

  @AfterEach
  void cleanup() {
    for (String id : docker("ps", "-aq").out().split("\\s+")) {
      if (!id.isBlank()) {
        docker("rm", "-f", id);
      }
    }
    for (String n : docker("network", "ls", "--filter", "type=custom", "-q").out().split("\\s+")) {
      if (!n.isBlank()) {
        docker("network", "rm", n);
      }
    }
  }

  private static String ip(String container, String network) {
    Exec.Result r = docker("inspect", "-f", "{{(index .NetworkSettings.Networks \"" + network + "\").IPAddress}}", container);
    check(r, "inspect");
    return r.out().trim();
  }

  private static boolean ping(String from, String ip) {
    return docker("exec", from, "ping", "-c", "1", "-W", "1", ip).exit() == 0;
  }

  @Test
  void createListInspectAndRemove() {
    String id = docker("network", "create", "--subnet", "10.123.0.0/24", "--gateway", "10.123.0.254",
        "--ip-range", "10.123.0.64/26", "--label", "team=blue", "-o", "com.example.x=1", "itnet").out().trim();
    assertThat(id).hasSize(64);
    Exec.Result r = docker("network", "ls", "--format", "{{.Name}} {{.Driver}} {{.Scope}}", "--filter", "label=team=blue");
    assertThat(r.out().trim()).isEqualTo("itnet bridge local");
    assertThat(docker("network", "ls", "--format", "{{.Name}}").out()).contains("bridge", "host", "none", "itnet");
    r = docker("network", "inspect", "-f",
        "{{.Id}} {{(index .IPAM.Config 0).Subnet}} {{(index .IPAM.Config 0).Gateway}} {{(index .IPAM.Config 0).IPRange}} {{.Labels.team}} {{.Internal}}",
        "itnet");
    assertThat(r.out().trim()).isEqualTo(id + " 10.123.0.0/24 10.123.0.254 10.123.0.64/26 blue false");
    String bridge = "br-" + id.substring(0, 12);
    assertThat(Exec.sh("ip link show " + bridge).exit()).isZero();
    assertThat(Exec.sh("ip -o -4 addr show dev " + bridge).out()).contains("10.123.0.254/24");

    check(docker("run", "-d", "--name", "c1", "--network", "itnet", IMAGE, "sleep", "1000"), "run");
    String addr = ip("c1", "itnet");
    assertThat(addr).startsWith("10.123.0.");
    int last = Integer.parseInt(addr.substring(addr.lastIndexOf('.') + 1));
    assertThat(last).as("from the ip-range").isBetween(64, 127);
    check(docker("run", "-d", "--name", "c2", "--network", "itnet", "--ip", "10.123.0.9", IMAGE, "sleep", "1000"), "run --ip");
    assertThat(ip("c2", "itnet")).isEqualTo("10.123.0.9");
    assertThat(ping("c2", addr)).isTrue();

    r = docker("network", "rm", "itnet");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("has active endpoints");
    docker("rm", "-f", "c1", "c2");
    check(docker("network", "rm", "itnet"), "rm");
    assertThat(Exec.sh("ip link show " + bridge).exit()).isNotZero();
    assertThat(Exec.sh("nft list tables").out()).doesNotContain(id.substring(0, 12));
  }

  @Test
  void badRequestsAreRefusedAndLeaveNothing() {
    check(docker("network", "create", "--subnet", "10.124.0.0/24", "one"), "create");
    Exec.Result r = docker("network", "create", "one");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("already exists");
    r = docker("network", "create", "--subnet", "10.124.0.128/25", "two");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("overlaps");
    r = docker("network", "create", "--subnet", "10.125.0.0/24", "--gateway", "10.126.0.1", "three");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).containsIgnoringCase("gateway"); // the docker CLI checks it first; berth's API too
    r = docker("network", "rm", "bridge");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("pre-defined");
    r = docker("run", "--pull", "never", "--name", "lost", "--network", "nosuchnet", IMAGE, "true");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("network nosuchnet not found");
    assertThat(docker("ps", "-aq").out()).isBlank();
    r = TestDaemon.berth("run", "--rm", "--network-alias", "x", IMAGE, "true"); // the docker CLI refuses it itself
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("user defined networks");
    r = docker("network", "create", "-d", "macvlan", "four");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("network driver \"macvlan\" is not supported");
    // a second network taking the default bridge's place would take its bridge and table too
    r = docker("network", "create", "-o", "com.docker.network.bridge.default_bridge=true", "five");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("com.docker.network.bridge.default_bridge belongs to the built-in bridge network");
    assertThat(docker("network", "ls", "--format", "{{.Name}}").out().lines().toList())
        .containsExactlyInAnyOrder("bridge", "host", "none", "one");
  }

  @Test
  void networksAreIsolatedAndAContainerOnTwoReachesBoth() {
    check(docker("network", "create", "na"), "create");
    check(docker("network", "create", "nb"), "create");
    check(docker("run", "-d", "--name", "ca", "--network", "na", IMAGE, "sleep", "1000"), "run");
    check(docker("run", "-d", "--name", "cb", "--network", "nb", IMAGE, "sleep", "1000"), "run");
    check(docker("run", "-d", "--name", "cd", IMAGE, "sleep", "1000"), "run on default bridge");
    assertThat(ping("ca", ip("cb", "nb"))).as("na -> nb").isFalse();
    assertThat(ping("cb", ip("ca", "na"))).as("nb -> na").isFalse();
    assertThat(ping("cd", ip("ca", "na"))).as("default bridge -> na").isFalse();

    check(docker("network", "connect", "--alias", "bee", "na", "cb"), "connect");
    Exec.Result r = docker("exec", "cb", "ip", "-o", "-4", "addr");
    assertThat(r.out()).contains("eth0").contains("eth1");
    assertThat(ping("cb", ip("ca", "na"))).isTrue();
    assertThat(docker("inspect", "-f", "{{json (index .NetworkSettings.Networks \"na\").Aliases}}", "cb").out())
        .contains("bee");
    assertThat(docker("network", "inspect", "-f", "{{range .Containers}}{{.Name}} {{end}}", "na").out())
        .contains("ca").contains("cb");

    check(docker("network", "disconnect", "na", "cb"), "disconnect");
    assertThat(docker("exec", "cb", "ip", "-o", "-4", "addr").out()).doesNotContain("eth1");
    assertThat(ping("cb", ip("ca", "na"))).isFalse();

    // stop and start: the container comes back on the same networks
    check(docker("network", "connect", "na", "cb"), "connect stopped later");
    check(docker("stop", "-t", "0", "cb"), "stop");
    check(docker("start", "cb"), "start");
    assertThat(docker("inspect", "-f", "{{len .NetworkSettings.Networks}}", "cb").out().trim()).isEqualTo("2");
    assertThat(ping("cb", ip("ca", "na"))).isTrue();
  }

  @Test
  void internalNetworkHasNoWayOut() {
    check(docker("network", "create", "--internal", "closed"), "create");
    assertThat(docker("network", "inspect", "-f", "{{.Internal}}", "closed").out().trim()).isEqualTo("true");
    check(docker("run", "-d", "--name", "i1", "--network", "closed", IMAGE, "sleep", "1000"), "run");
    check(docker("run", "-d", "--name", "i2", "--network", "closed", IMAGE, "sleep", "1000"), "run");
    assertThat(ping("i1", ip("i2", "closed"))).isTrue();
    assertThat(docker("exec", "i1", "ip", "route").out()).doesNotContain("default");
    String gw = TestDaemon.docker("network", "inspect", "-f", "{{(index .IPAM.Config 0).Gateway}}", "bridge").out().trim();
    assertThat(ping("i1", gw)).as("reaching another network's gateway").isFalse();
    Exec.Result r = docker("run", "--rm", "--network", "closed", "-p", "18099:80", IMAGE, "true");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("internal");
  }

  @Test
  void dnsServersOfAContainerAnswerItsOtherNamesOnAUserNetwork() throws Exception {
    // a DNS server on a loopback address of the host that answers every A query with 192.0.2.55
    java.net.DatagramSocket server;
    try {
      server = new java.net.DatagramSocket(new java.net.InetSocketAddress("127.77.0.1", 53));
    } catch (java.net.SocketException e) {
      org.junit.jupiter.api.Assumptions.abort("127.77.0.1:53 is taken on this host: " + e.getMessage());
      return;
    }
    Thread.ofVirtual().start(() -> {
      byte[] buf = new byte[512];
      while (!server.isClosed()) {
        try {
          java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
          server.receive(p);
          byte[] r = answerA(java.util.Arrays.copyOf(buf, p.getLength()), new byte[] {(byte) 192, 0, 2, 55});
          server.send(new java.net.DatagramPacket(r, r.length, p.getSocketAddress()));
        } catch (java.io.IOException e) {
          // closed
        }
      }
    });
    try {
      check(docker("network", "create", "dnsnet"), "create");
      Exec.Result r = docker("run", "--rm", "--network", "dnsnet", "--dns", "127.77.0.1", IMAGE, "sh", "-c",
          "grep nameserver /etc/resolv.conf; nslookup upstream.example");
      assertThat(r.out()).as(r.all()).contains("nameserver 127.0.0.11").contains("192.0.2.55");
      r = docker("run", "--rm", "--network", "dnsnet", IMAGE, "nslookup", "upstream.example");
      assertThat(r.out()).as("without --dns the host's resolvers answer").doesNotContain("192.0.2.55");
    } finally {
      server.close();
    }
  }

  /** The query turned into an answer with one A record (name by pointer to the question). */
  private static byte[] answerA(byte[] query, byte[] ip) {
    byte[] r = java.util.Arrays.copyOf(query, query.length + 16);
    r[2] = (byte) (0x80 | (query[2] & 0x01)); // QR, RD kept
    r[3] = (byte) 0x80; // RA, NOERROR
    r[7] = 1; // ANCOUNT
    byte[] rr = {(byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ip[0], ip[1], ip[2], ip[3]};
    System.arraycopy(rr, 0, r, query.length, rr.length);
    return r;
  }

  @Test
  void publishedPortOnAUserNetworkAnswersOnTheHost() throws Exception {
    check(docker("network", "create", "pub"), "create");
    check(docker("run", "-d", "--name", "web", "--network", "pub", "-p", "8080", IMAGE,
        "sh", "-c", "mkdir -p /www && echo served-from-pub > /www/index.html && httpd -f -p 8080 -h /www"), "run");
    String port = docker("inspect", "-f", "{{(index (index .NetworkSettings.Ports \"8080/tcp\") 0).HostPort}}", "web")
        .out().trim();
    String body = "";
    for (int i = 0; i < 50 && !body.contains("served-from-pub"); i++) {
      body = Exec.run(java.util.Map.of(), null, 10, List.of("curl", "-s", "http://127.0.0.1:" + port + "/")).out();
      Thread.sleep(100);
    }
    assertThat(body).contains("served-from-pub");
    // a container on another network cannot reach it directly, but can through the published port
    String hostIp = Exec.sh("ip -o route get 198.51.100.1 | sed -n 's/.* src \\([0-9.]*\\).*/\\1/p'").out().trim();
    assertThat(hostIp).isNotEmpty();
    check(docker("network", "create", "other"), "create");
    check(docker("run", "-d", "--name", "probe", "--network", "other", IMAGE, "sleep", "1000"), "run");
    assertThat(ping("probe", ip("web", "pub"))).isFalse();
    Exec.Result r = docker("exec", "probe", "timeout", "5", "wget", "-q", "-O", "-", "http://" + hostIp + ":" + port + "/");
    assertThat(r.out()).contains("served-from-pub");
    check(docker("rm", "-f", "web"), "rm");
    assertThat(Exec.sh("nft list ruleset").out()).doesNotContain("dport " + port + " ");
  }

  @Test
  void legacyLinksOnTheDefaultBridge() {
    check(docker("run", "-d", "--name", "db", "-e", "SECRET=s3", "--expose", "5432", IMAGE, "sleep", "1000"), "run db");
    String dbIp = ip("db", "bridge");
    Exec.Result r = docker("run", "--rm", "--name", "app", "--link", "db:dbalias", IMAGE,
        "sh", "-c", "cat /etc/hosts; env | sort; ping -c 1 -W 1 dbalias >/dev/null && echo PING-OK");
    check(r, "run --link");
    assertThat(r.out()).contains(dbIp + "\tdbalias ")
        .contains("DBALIAS_PORT=tcp://" + dbIp + ":5432")
        .contains("DBALIAS_PORT_5432_TCP_ADDR=" + dbIp)
        .contains("DBALIAS_PORT_5432_TCP_PROTO=tcp")
        .contains("DBALIAS_NAME=/app/dbalias")
        .contains("DBALIAS_ENV_SECRET=s3")
        .contains("PING-OK");
    check(docker("stop", "-t", "0", "db"), "stop db");
    r = docker("run", "--rm", "--link", "db", IMAGE, "true");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("non running container");
    r = docker("run", "--rm", "--link", "nosuch:x", IMAGE, "true");
    assertThat(r.exit()).isNotZero();
  }

  @Test
  void embeddedDnsResolvesNamesAndAliasesOfTheSameNetworkOnly() throws Exception {
    check(docker("network", "create", "shop"), "create");
    check(docker("network", "create", "elsewhere"), "create");
    check(docker("run", "-d", "--name", "config", "--network", "shop", "--network-alias", "config-server",
        IMAGE, "sleep", "1000"), "run");
    check(docker("run", "-d", "--name", "api1", "--network", "shop", "--network-alias", "api", IMAGE, "sleep", "1000"), "run");
    check(docker("run", "-d", "--name", "api2", "--network", "shop", "--network-alias", "api", IMAGE, "sleep", "1000"), "run");
    check(docker("run", "-d", "--name", "stranger", "--network", "elsewhere", IMAGE, "sleep", "1000"), "run");
    String config = ip("config", "shop");
    Exec.Result r = docker("run", "--rm", "--network", "shop", IMAGE, "sh", "-c",
        "cat /etc/resolv.conf; nslookup config-server; nslookup config; nslookup config.shop; nslookup api; nslookup stranger");
    assertThat(r.out()).contains("nameserver 127.0.0.11");
    assertThat(r.out().split("Name:\\s+config-server\\s+Address: " + java.util.regex.Pattern.quote(config), -1)).hasSize(2);
    assertThat(r.out()).contains("Name:\tconfig\nAddress: " + config)
        .contains("Name:\tconfig.shop\nAddress: " + config)
        .contains(ip("api1", "shop")).contains(ip("api2", "shop"))
        .doesNotContain(ip("stranger", "elsewhere"));
    // names work for ping and wget, as an application would use them
    assertThat(docker("exec", "api1", "ping", "-c", "1", "-W", "1", "config-server").exit()).isZero();
    // the default bridge has no names
    assertThat(docker("run", "--rm", IMAGE, "nslookup", "config").out()).doesNotContain(config);

    // names survive a daemon restart (the containers keep running)
    TestDaemon.kill9();
    TestDaemon.start();
    assertThat(docker("exec", "api2", "nslookup", "config-server").out()).contains(config);
    // a stopped container's name is gone
    check(docker("stop", "-t", "0", "config"), "stop");
    assertThat(docker("exec", "api2", "nslookup", "config-server").out()).doesNotContain(config);
  }
}
