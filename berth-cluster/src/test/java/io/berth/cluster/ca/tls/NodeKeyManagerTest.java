package io.berth.cluster.ca.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.ca.ClusterCa;
import io.berth.cluster.model.NodeRole;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class NodeKeyManagerTest {
  final NodeCredentials node = MutualTlsTest.node(ClusterCa.create("c", Clock.systemUTC()), "n1", NodeRole.WORKER);
  final NodeKeyManager km = new NodeKeyManager(node);

  @Test
  void offersTheNodeCertificateForEcKeyTypesOnly() {
    assertThat(km.chooseEngineServerAlias("EC", null, null)).isEqualTo("node");
    assertThat(km.chooseEngineServerAlias("EC_EC", null, null)).as("asked by TLS 1.2 ECDH and Netty's OpenSSL bridge").isEqualTo("node");
    assertThat(km.chooseEngineServerAlias("RSA", null, null)).isNull();
    assertThat(km.chooseClientAlias(new String[] {"RSA", "EC"}, null, null)).isEqualTo("node");
    assertThat(km.getCertificateChain("node")).containsExactlyElementsOf(node.current().certificate().chain());
    assertThat(km.getPrivateKey("node")).isEqualTo(node.current().key());
    assertThat(km.getPrivateKey("other")).isNull();
  }
}
