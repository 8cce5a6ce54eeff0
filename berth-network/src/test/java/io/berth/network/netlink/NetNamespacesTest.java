package io.berth.network.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.berth.errdefs.AlreadyExistsException;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Named network namespaces against the real kernel, checked with iproute2 (root only). */
class NetNamespacesTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final List<String> names = new ArrayList<>();

  @BeforeEach
  void root() {
    assumeTrue(Files.isWritable(Path.of("/proc/sys/net/ipv4/ip_forward")), "needs root");
  }

  @AfterEach
  void cleanUp() {
    for (String n : names) {
      Sh.run("ip", "netns", "del", n);
    }
  }

  private String name() {
    String n = "nlt-" + HexFormat.of().formatHex(RANDOM.generateSeed(4));
    names.add(n);
    return n;
  }

  private static String inode(Path p) {
    return Sh.check("stat", "-L", "-c", "%i", p.toString()).trim();
  }

  @Test
  void createdNamespacesAreIpNetnsOnes() {
    String n = name();
    Path p = NetNamespaces.create(n);
    assertThat(p).isEqualTo(Path.of("/run/netns", n));
    assertThat(NetNamespaces.exists(n)).isTrue();
    assertThat(Sh.check("ip", "netns", "list")).contains(n);
    assertThat(Sh.check("findmnt", "-no", "PROPAGATION", "/run/netns").trim()).startsWith("shared");
    // a namespace of its own, with only a loopback that is down, as ip netns add makes it
    assertThat(inode(p)).isNotEqualTo(inode(Path.of("/proc/self/ns/net")));
    String links = Sh.check("ip", "-n", n, "-o", "link");
    assertThat(links.lines()).hasSize(1);
    assertThat(links).contains("lo:").doesNotContain("UP");
    // and the creating thread went home: this process's namespace is the host's
    assertThat(Sh.check("ip", "netns", "identify", Long.toString(ProcessHandle.current().pid())).trim()).isEmpty();

    assertThat(NetNamespaces.delete(n)).isTrue();
    assertThat(p).doesNotExist();
    assertThat(Sh.check("ip", "netns", "list")).doesNotContain(n);
    assertThat(NetNamespaces.delete(n)).isFalse();
  }

  @Test
  void aTakenNameIsRefusedAndLeftAlone() {
    String n = name();
    Path p = NetNamespaces.create(n);
    String before = inode(p);
    assertThatThrownBy(() -> NetNamespaces.create(n)).isInstanceOf(AlreadyExistsException.class)
        .hasMessage("creating network namespace " + n + ": open /run/netns/" + n + ": File exists");
    assertThat(inode(p)).isEqualTo(before);
  }

  @Test
  void namespacesOfIpAndOfBerthAreInterchangeable() {
    String byIp = name();
    Sh.check("ip", "netns", "add", byIp);
    assertThat(NetNamespaces.exists(byIp)).isTrue();
    assertThat(NetNamespaces.delete(byIp)).isTrue();
    assertThat(Sh.check("ip", "netns", "list")).doesNotContain(byIp);

    String byUs = name();
    NetNamespaces.create(byUs);
    Sh.check("ip", "netns", "del", byUs);
    assertThat(NetNamespaces.exists(byUs)).isFalse();
  }

  @Test
  void workRunsInsideTheNamespace() {
    String n = name();
    Path p = NetNamespaces.create(n);
    String inside = NetNamespaces.inside(p, () -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
    assertThat(inside).isEqualTo("net:[" + inode(p) + "]");
    // a socket made there stays there
    try (RouteSocket s = RouteSocket.openIn(p)) {
      assertThat(s.linkIndex("lo")).hasValue(1);
      assertThat(s.linkIndex("eth0")).isEmpty();
    }
  }

  @Test
  void failuresInsideAreReportedWithTheirCause() {
    String n = name();
    Path p = NetNamespaces.create(n);
    assertThatThrownBy(() -> NetNamespaces.inside(p, () -> {
      throw new ConflictException("taken");
    })).isInstanceOf(ConflictException.class).hasMessage("taken");
    assertThatThrownBy(() -> NetNamespaces.inside(p, () -> {
      throw new java.io.IOException("no such thing");
    })).isInstanceOf(UnavailableException.class).hasMessage("entering network namespace " + p + ": no such thing");
    Path missing = Path.of("/run/netns", n + "-missing");
    assertThatThrownBy(() -> NetNamespaces.inside(missing, () -> 1)).isInstanceOf(UnavailableException.class)
        .hasMessage("entering network namespace " + missing + ": open " + missing + ": No such file or directory");
  }

  @Test
  void namesThatAreNotOneFileAreRefused() {
    assertThatThrownBy(() -> NetNamespaces.path("../etc")).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> NetNamespaces.path("a/b")).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> NetNamespaces.path("")).isInstanceOf(InvalidArgumentException.class);
  }
}
