package io.berth.cluster.ca;

import io.berth.cluster.model.NodeRole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.ForbiddenException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnauthorizedException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterCaTest {
  static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final SecureRandom RANDOM = new SecureRandom();
  static final Set<NodeRole> ANY = Set.of(NodeRole.values());

  static byte[] csr(KeyPair keys) {
    return CertificateRequests.create(keys);
  }

  @Test
  void rootIsAP256SelfSignedCaNamedSwarmCaForTwentyYears() throws Exception {
    ClusterCa ca = ClusterCa.create("cluster1", CLOCK);
    X509Certificate root = ca.trustedRoots().getFirst();
    root.verify(root.getPublicKey());
    assertThat(root.getSubjectX500Principal().getName()).isEqualTo("CN=swarm-ca");
    assertThat(root.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(((ECPublicKey) root.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
    assertThat(root.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofHours(1)));
    assertThat(root.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(7300)));
    assertThat(ca.digest()).matches("sha256:[0-9a-f]{64}");
  }

  @Test
  void nodeCertificateNamesNodeRoleAndClusterAndLastsNinetyDays() {
    ClusterCa ca = ClusterCa.create("cluster1", CLOCK);
    KeyPair keys = EcKeys.generate(RANDOM);
    NodeCertificate cert = ca.issue(csr(keys), "node1", NodeRole.MANAGER);

    assertThat(cert.chain()).hasSize(1);
    assertThat(cert.identity()).isEqualTo(new NodeIdentity("node1", NodeRole.MANAGER, "cluster1"));
    assertThat(cert.leaf().getPublicKey()).isEqualTo(keys.getPublic());
    assertThat(cert.notAfter()).isEqualTo(NOW.plus(Duration.ofDays(90)));
    assertThat(cert.notBefore()).isEqualTo(NOW.minus(Duration.ofHours(1)));
    assertThat(cert.leaf().getBasicConstraints()).isEqualTo(-1);
    assertThat(ca.verifier().verify(cert.chain(), Set.of(NodeRole.MANAGER), NOW))
        .isEqualTo(new NodeIdentity("node1", NodeRole.MANAGER, "cluster1"));
  }

  @Test
  void nodeCertExpiryIsTheClustersAndAtLeastAnHour() {
    ClusterCa ca = ClusterCa.create("c", CLOCK).withNodeCertExpiry(Duration.ofHours(5));
    NodeCertificate cert = ca.issue(csr(EcKeys.generate(RANDOM)), "n", NodeRole.WORKER);
    assertThat(cert.notAfter()).isEqualTo(NOW.plus(Duration.ofHours(5)));
    assertThatThrownBy(() -> ca.withNodeCertExpiry(Duration.ofMinutes(59)))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("minimum of 60 minutes");
  }

  @Test
  void csrOfAnotherKeyTypeOrWithABadSignatureIsRefused() throws Exception {
    ClusterCa ca = ClusterCa.create("c", CLOCK);
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair rsaKeys = rsa.generateKeyPair();
    byte[] rsaCsr = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
        new org.bouncycastle.asn1.x500.X500Name("CN=x"), rsaKeys.getPublic())
        .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA").build(rsaKeys.getPrivate()))
        .getEncoded();
    assertThatThrownBy(() -> ca.issue(rsaCsr, "n", NodeRole.WORKER))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("must be ECDSA P-256");

    byte[] tampered = csr(EcKeys.generate(RANDOM));
    tampered[tampered.length - 5] ^= 0x01;
    assertThatThrownBy(() -> ca.issue(tampered, "n", NodeRole.WORKER))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("certificate request");
    assertThatThrownBy(() -> ca.issue(new byte[0], "n", NodeRole.WORKER))
        .isInstanceOf(InvalidArgumentException.class).hasMessage("certificate request is empty");
  }

  @Test
  void verifierRefusesOtherClusterWrongRoleAndExpiredWithTheReason() {
    ClusterCa ca = ClusterCa.create("cluster1", CLOCK);
    ClusterCa other = ClusterCa.create("cluster2", CLOCK);
    NodeCertificate worker = ca.issue(csr(EcKeys.generate(RANDOM)), "w1", NodeRole.WORKER);
    NodeCertificate foreign = other.issue(csr(EcKeys.generate(RANDOM)), "m9", NodeRole.MANAGER);

    assertThatThrownBy(() -> ca.verifier().verify(foreign.chain(), ANY, NOW))
        .isInstanceOf(UnauthorizedException.class).hasMessageContaining("not signed by this cluster's root CA");
    assertThatThrownBy(() -> ca.verifier().verify(worker.chain(), Set.of(NodeRole.MANAGER), NOW))
        .isInstanceOf(ForbiddenException.class)
        .hasMessage("node w1 has role swarm-worker; only swarm-manager may do this");
    assertThatThrownBy(() -> ca.verifier().verify(worker.chain(), ANY, NOW.plus(Duration.ofDays(91))))
        .isInstanceOf(UnauthorizedException.class).hasMessageContaining("expired at");
    assertThatThrownBy(() -> ca.verifier().verify(List.of(), ANY, NOW))
        .isInstanceOf(UnauthorizedException.class).hasMessageContaining("no certificate was presented");
  }

  @Test
  void renewKeepsTheNodeIdAndTakesTheRoleTheClusterGivesNow() {
    ClusterCa ca = ClusterCa.create("c", CLOCK);
    NodeCertificate old = ca.issue(csr(EcKeys.generate(RANDOM)), "n1", NodeRole.WORKER);
    KeyPair next = EcKeys.generate(RANDOM);
    NodeCertificate renewed = ca.withClock(Clock.fixed(NOW.plus(Duration.ofDays(50)), ZoneOffset.UTC))
        .renew(old, csr(next), NodeRole.MANAGER);
    assertThat(renewed.identity()).isEqualTo(new NodeIdentity("n1", NodeRole.MANAGER, "c"));
    assertThat(renewed.notAfter()).isEqualTo(NOW.plus(Duration.ofDays(140)));

    ClusterCa later = ca.withClock(Clock.fixed(NOW.plus(Duration.ofDays(100)), ZoneOffset.UTC));
    assertThatThrownBy(() -> later.renew(old, csr(next), NodeRole.WORKER))
        .isInstanceOf(UnauthorizedException.class).hasMessageContaining("expired");
  }

  @Test
  void renewalFallsBetweenHalfAndFourFifthsOfTheLife() {
    Instant from = NOW;
    Instant until = NOW.plus(Duration.ofDays(100));
    for (int i = 0; i < 200; i++) {
      Instant at = Lifetimes.renewalAt(from, until, RANDOM);
      assertThat(at).isBetween(NOW.plus(Duration.ofDays(50)), NOW.plus(Duration.ofDays(80)));
    }
  }

  @Test
  void rotationCrossSignsSoOldAndNewTrustAcceptTheNewCertificatesThenOnlyTheNewRootRemains() {
    ClusterCa before = ClusterCa.create("c", CLOCK);
    NodeCertificate oldCert = before.issue(csr(EcKeys.generate(RANDOM)), "n1", NodeRole.WORKER);

    ClusterCa during = before.startRotation();
    assertThat(during.rotating()).isTrue();
    assertThat(during.digest()).as("joining nodes still pin the old root").isEqualTo(before.digest());
    assertThat(during.trustedRoots()).hasSize(2);
    NodeCertificate midCert = during.issue(csr(EcKeys.generate(RANDOM)), "n2", NodeRole.MANAGER);
    assertThat(midCert.chain()).as("leaf and the new root cross-signed by the old").hasSize(2);
    assertThat(before.verifier().verify(midCert.chain(), ANY, NOW).nodeId())
        .as("a node that still trusts only the old root accepts it").isEqualTo("n2");
    assertThat(during.verifier().verify(oldCert.chain(), ANY, NOW).nodeId()).isEqualTo("n1");
    assertThat(during.issuedByCurrentSigner(midCert)).isTrue();
    assertThat(during.issuedByCurrentSigner(oldCert)).isFalse();
    assertThat(during.startRotation().desiredIssuer()).isNotEqualTo(during.desiredIssuer());

    ClusterCa after = during.finishRotation();
    assertThat(after.rotating()).isFalse();
    assertThat(after.digest()).isNotEqualTo(before.digest());
    assertThat(after.trustedRoots()).containsExactly(during.trustedRoots().get(1));
    assertThat(after.verifier().verify(midCert.chain(), ANY, NOW).nodeId())
        .as("the cross-signed intermediate may still be sent").isEqualTo("n2");
    assertThatThrownBy(() -> after.verifier().verify(oldCert.chain(), ANY, NOW))
        .as("certificates of the old root are refused once the rotation is over")
        .isInstanceOf(UnauthorizedException.class);
    assertThat(after.issue(csr(EcKeys.generate(RANDOM)), "n3", NodeRole.WORKER).chain()).hasSize(1);
    assertThatThrownBy(after::finishRotation).isInstanceOf(FailedPreconditionException.class);
  }

  @Test
  void rotationToARootTheUserSuppliesAfterItsChecks() {
    ClusterCa ca = ClusterCa.create("c", CLOCK);
    CaState supplied = ClusterCa.create("elsewhere", CLOCK).state();
    ClusterCa during = ca.startRotation(supplied.rootCertPem(), supplied.rootKeyPem());
    NodeCertificate cert = during.issue(csr(EcKeys.generate(RANDOM)), "n1", NodeRole.WORKER);
    assertThat(ca.verifier().verify(cert.chain(), ANY, NOW).nodeId()).isEqualTo("n1");
    assertThat(during.finishRotation().rootPem()).isEqualTo(supplied.rootCertPem());

    CaState other = ClusterCa.create("x", CLOCK).state();
    assertThatThrownBy(() -> ca.startRotation(supplied.rootCertPem(), other.rootKeyPem()))
        .isInstanceOf(InvalidArgumentException.class).hasMessage("--ca-key is not the key of --ca-cert");
    CaState old = ClusterCa.create("x", Clock.fixed(NOW.minus(Duration.ofDays(7000)), ZoneOffset.UTC)).state();
    assertThatThrownBy(() -> ca.startRotation(old.rootCertPem(), old.rootKeyPem()))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("valid for at least another year");
    NodeCertificate leaf = ca.issue(csr(EcKeys.generate(RANDOM)), "n2", NodeRole.MANAGER);
    assertThatThrownBy(() -> ca.startRotation(leaf.pem(), supplied.rootKeyPem()))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not a self-signed root");
  }

  @Test
  void idsThatCannotBeDnsNamesAreRefused() {
    ClusterCa ca = ClusterCa.create("c", CLOCK);
    assertThatThrownBy(() -> ca.issue(csr(EcKeys.generate(RANDOM)), "Node 1", NodeRole.WORKER))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("node id \"Node 1\"");
    assertThatThrownBy(() -> ClusterCa.create("", CLOCK))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("cluster id");
  }

  @Test
  void stateRoundTripsThroughPemSoAnotherManagerSignsTheSame() {
    ClusterCa ca = ClusterCa.create("c", CLOCK).withNodeCertExpiry(Duration.ofHours(3)).startRotation();
    ClusterCa restored = ClusterCa.restore(ca.state(), CLOCK);
    assertThat(restored.state()).isEqualTo(ca.state());
    assertThat(restored.digest()).isEqualTo(ca.digest());
    NodeCertificate cert = restored.issue(csr(EcKeys.generate(RANDOM)), "n", NodeRole.WORKER);
    assertThat(ca.verifier().verify(cert.chain(), ANY, NOW).nodeId()).isEqualTo("n");
    assertThat(NodeCertificate.fromPem(cert.pem())).isEqualTo(cert);
  }

  @Test
  void stateIsPlainJsonForTheReplicatedStore() throws Exception {
    ObjectMapper json = new ObjectMapper();
    ClusterCa ca = ClusterCa.create("c", CLOCK).withNodeCertExpiry(Duration.ofHours(7)).startRotation();
    CaState back = json.readValue(json.writeValueAsString(ca.state()), CaState.class);
    assertThat(back).isEqualTo(ca.state());
    assertThat(ClusterCa.restore(back, CLOCK).nodeCertExpiry()).isEqualTo(Duration.ofHours(7));
  }
}
