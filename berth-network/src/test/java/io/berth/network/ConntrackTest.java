package io.berth.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a {@code conntrack -L} listing becomes live connections per backend: no root needed. */
class ConntrackTest {
  @Test
  void opensAndEstablishedTcpAndEveryUdpFlowCountForTheAddressThatAnswers() {
    String listing = """
        tcp      6 431999 ESTABLISHED src=10.0.1.9 dst=10.0.1.2 sport=40000 dport=80 src=10.0.1.5 dst=10.0.1.9 sport=80 dport=40000 [ASSURED] mark=0 use=1
        tcp      6 431999 ESTABLISHED src=10.0.1.9 dst=10.0.1.2 sport=40001 dport=80 src=10.0.1.5 dst=10.0.1.9 sport=80 dport=40001 [ASSURED] mark=0 use=1
        tcp      6 119 SYN_SENT src=10.0.1.9 dst=10.0.1.2 sport=40002 dport=80 [UNREPLIED] src=10.0.1.6 dst=10.0.1.9 sport=80 dport=40002 mark=0 use=1
        tcp      6 2 TIME_WAIT src=10.0.1.9 dst=10.0.1.2 sport=40003 dport=80 src=10.0.1.6 dst=10.0.1.9 sport=80 dport=40003 [ASSURED] mark=0 use=1
        tcp      6 50 CLOSE_WAIT src=10.0.1.9 dst=10.0.1.2 sport=40004 dport=80 src=10.0.1.7 dst=10.0.1.9 sport=80 dport=40004 [ASSURED] mark=0 use=1
        udp      17 29 src=10.0.1.9 dst=10.0.1.2 sport=5000 dport=53 [UNREPLIED] src=10.0.1.7 dst=10.0.1.9 sport=53 dport=5000 mark=0 use=1
        unknown  2 124 src=10.0.0.1 dst=224.0.0.22 [UNREPLIED] src=224.0.0.22 dst=10.0.0.1 mark=0 use=1
        """;
    assertThat(Conntrack.count(listing)).isEqualTo(Map.of("10.0.1.5", 2, "10.0.1.6", 1, "10.0.1.7", 1));
    assertThat(Conntrack.count("")).isEmpty();
  }
}
