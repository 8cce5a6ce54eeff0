package io.berth.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.berth.errdefs.ConflictException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several bridges of one daemon against the real kernel: a container on two networks (eth0 and
 * eth1 in one namespace), isolation between networks, an internal network without a way out,
 * and one ledger of published ports across networks. Real pings between namespaces.
 */
class MultiNetworkTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  @TempDir Path state;
  private String tag;
  private final List<LinuxBridgeNetwork> nets = new ArrayList<>();
  private final List<String> ids = new ArrayList<>();
  private final PortLedger ledger = new PortLedger();
  private Sandboxes sandboxes;
  private int octet;

  @BeforeEach
  void setUp() {
    assumeTrue(Files.isWritable(Path.of("/proc/sys/net/ipv4/ip_forward")), "needs root (writes /proc/sys)");
    tag = "mt" + HexFormat.of().formatHex(RANDOM.generateSeed(2));
    octet = 1 + RANDOM.nextInt(250);
    sandboxes = new Sandboxes(tag);
  }

  private LinuxBridgeNetwork network(int n, boolean internal) {
    String name = "br-" + tag + n;
    LinuxBridgeNetwork net = LinuxBridgeNetwork.open(state, name, "10.214." + (octet + n) + ".1/24",
        "mt_" + tag + "_" + n, new LinuxBridgeNetwork.Options(sandboxes, internal, null, List.of("br-" + tag + "*"), ledger));
    net.init();
    nets.add(net);
    return net;
  }

  @AfterEach
  void tearDown() {
    for (String id : ids) {
      for (LinuxBridgeNetwork n : nets) {
        try {
          n.detach(id);
        } catch (RuntimeException e) {
          // keep cleaning
        }
      }
      try {
        sandboxes.delete(id);
      } catch (RuntimeException e) {
        // keep cleaning
      }
    }
    nets.forEach(LinuxBridgeNetwork::delete);
  }

  private String newId() {
    String id = HexFormat.of().formatHex(RANDOM.generateSeed(32));
    ids.add(id);
    return id;
  }

  private static boolean ping(Endpoint from, String ip) {
    return HostCommand.run(List.of("ip", "netns", "exec", Path.of(from.netnsPath()).getFileName().toString(),
        "busybox", "ping", "-c", "1", "-W", "1", ip), null).exit() == 0;
  }

  @Test
  void oneContainerOnTwoNetworksReachesBothButNetworksAreIsolated() {
    LinuxBridgeNetwork a = network(0, false);
    LinuxBridgeNetwork b = network(1, false);
    String both = newId();
    sandboxes.create(both);
    Endpoint bothA = a.attach(both, Attach.primary(null));
    Endpoint bothB = b.attach(both, new Attach(null, "eth1", false));
    assertThat(bothB.netnsPath()).isEqualTo(bothA.netnsPath());
    assertThat(bothB.ifName()).isEqualTo("eth1");
    assertThat(bothB.gateway()).isEmpty();
    Endpoint onlyA = a.attach(newId(), Attach.primary(null));
    Endpoint onlyB = b.attach(newId(), Attach.primary(null));

    assertThat(ping(bothA, onlyA.ip())).isTrue();
    assertThat(ping(bothA, onlyB.ip())).isTrue();
    assertThat(ping(onlyA, onlyB.ip())).as("networks are isolated").isFalse();
    assertThat(ping(onlyB, onlyA.ip())).as("networks are isolated").isFalse();

    b.detach(both); // the namespace stays with its eth0
    assertThat(Path.of(bothA.netnsPath())).exists();
    assertThat(ping(bothA, onlyB.ip())).isFalse();
    assertThat(ping(bothA, onlyA.ip())).isTrue();
  }

  @Test
  void internalNetworkHasNoRouteOutAndCannotPublish() {
    LinuxBridgeNetwork in = network(0, true);
    Endpoint e = in.attach(newId(), Attach.primary(null));
    Endpoint f = in.attach(newId(), Attach.primary(null));
    assertThat(e.gateway()).isEmpty();
    assertThat(ping(e, f.ip())).isTrue();
    assertThat(HostCommand.run(List.of("ip", "-n", Path.of(e.netnsPath()).getFileName().toString(), "route"), null).out())
        .doesNotContain("default");
    assertThat(Nft.listTable("ip", "mt_" + tag + "_0")).doesNotContain("masquerade comment \"outbound\"")
        .contains("internal");
    assertThatThrownBy(() -> in.publish(e.containerId(), List.of(new PortBinding("", 0, 80, "tcp"))))
        .hasMessageContaining("internal");
  }

  @Test
  void aHostPortPublishedThroughOneNetworkIsTakenForAllOfThem() {
    LinuxBridgeNetwork a = network(0, false);
    LinuxBridgeNetwork b = network(1, false);
    Endpoint x = a.attach(newId(), Attach.primary(null));
    Endpoint y = b.attach(newId(), Attach.primary(null));
    int port = a.publish(x.containerId(), List.of(new PortBinding("", 0, 80, "tcp"))).getFirst().hostPort();
    assertThatThrownBy(() -> b.publish(y.containerId(), List.of(new PortBinding("", port, 80, "tcp"))))
        .isInstanceOf(ConflictException.class).hasMessageContaining(":" + port);
    a.detach(x.containerId());
    assertThat(b.publish(y.containerId(), List.of(new PortBinding("", port, 80, "tcp"))).getFirst().hostPort()).isEqualTo(port);
  }
}
