package io.berth.network.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.network.dns.DnsMessage.DnsFormatException;
import io.berth.network.dns.DnsMessage.Query;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DnsMessageTest {
  static byte[] query(int id, String name, int type) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(id >> 8);
    out.write(id & 0xff);
    out.write(0x01); // RD
    out.write(0);
    out.writeBytes(new byte[] {0, 1, 0, 0, 0, 0, 0, 0});
    out.writeBytes(DnsMessage.encodeName(name));
    out.writeBytes(new byte[] {0, (byte) type, 0, 1});
    return out.toByteArray();
  }

  @Test
  void parsesAQueryCaseInsensitively() throws Exception {
    byte[] q = query(0x1234, "Web.Example", DnsMessage.TYPE_A);
    Query p = DnsMessage.parseQuery(q, q.length);
    assertThat(p.id()).isEqualTo(0x1234);
    assertThat(p.name()).isEqualTo("web.example");
    assertThat(p.type()).isEqualTo(1);
    assertThat(p.recursionDesired()).isTrue();
    assertThat(p.questionEnd()).isEqualTo(q.length);
  }

  @Test
  void answerCarriesTheAddressesAndEchoesIdAndQuestion() throws Exception {
    byte[] q = query(7, "db", DnsMessage.TYPE_A);
    Query p = DnsMessage.parseQuery(q, q.length);
    List<Inet4Address> ips = List.of((Inet4Address) InetAddress.getByName("10.0.0.5"),
        (Inet4Address) InetAddress.getByName("10.0.0.6"));
    byte[] r = DnsMessage.answerA(q, p, ips, true);
    assertThat(DnsMessage.u16(r, 0)).isEqualTo(7);
    assertThat(r[2] & 0x80).isEqualTo(0x80); // a response
    assertThat(r[3] & 0x0f).isZero();
    assertThat(DnsMessage.u16(r, 6)).isEqualTo(2);
    assertThat(r).hasSize(q.length + 32);
    assertThat(new byte[] {r[r.length - 4], r[r.length - 3], r[r.length - 2], r[r.length - 1]})
        .containsExactly(10, 0, 0, 6);
  }

  @Test
  void aUdpAnswerOver512BytesIsTruncatedWithTcSet() throws Exception {
    byte[] q = query(1, "many", DnsMessage.TYPE_A);
    Query p = DnsMessage.parseQuery(q, q.length);
    List<Inet4Address> ips = new ArrayList<>();
    for (int i = 1; i <= 60; i++) {
      ips.add((Inet4Address) InetAddress.getByName("10.1.0." + i));
    }
    byte[] udp = DnsMessage.answerA(q, p, ips, true);
    assertThat(udp.length).isLessThanOrEqualTo(512);
    assertThat(udp[2] & 0x02).isEqualTo(0x02);
    byte[] tcp = DnsMessage.answerA(q, p, ips, false);
    assertThat(DnsMessage.u16(tcp, 6)).isEqualTo(60);
    assertThat(tcp[2] & 0x02).isZero();
  }

  @Test
  void compressedNamesAndLoopsAreHandled() {
    byte[] q = query(1, "a", 1);
    q[12] = (byte) 0xc0; // a pointer to itself
    q[13] = 12;
    assertThatThrownBy(() -> DnsMessage.parseQuery(q, q.length)).isInstanceOf(DnsFormatException.class);
    byte[] r = query(1, "x", 1);
    r[2] = (byte) 0x80;
    assertThatThrownBy(() -> DnsMessage.parseQuery(r, r.length)).hasMessageContaining("response");
  }

  @Test
  void randomBytesNeverThrowAnythingButAFormatError() {
    Random rnd = new Random(42);
    for (int i = 0; i < 200_000; i++) {
      byte[] m = new byte[rnd.nextInt(64)];
      rnd.nextBytes(m);
      if (m.length > 5 && rnd.nextBoolean()) {
        m[2] &= 0x7f;
        m[4] = 0;
        m[5] = 1;
      }
      try {
        Query p = DnsMessage.parseQuery(m, m.length);
        DnsMessage.error(m, p, DnsMessage.RCODE_NOTIMP);
        DnsMessage.answerA(m, p, List.of(), true);
      } catch (DnsFormatException expected) {
        // clean refusal
      }
    }
  }
}
