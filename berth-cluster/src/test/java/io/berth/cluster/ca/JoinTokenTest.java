package io.berth.cluster.ca;

import io.berth.cluster.model.NodeRole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnauthorizedException;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class JoinTokenTest {
  static final SecureRandom RANDOM = new SecureRandom();
  final ClusterCa ca = ClusterCa.create("c", ClusterCaTest.CLOCK);

  @Test
  void tokenHasDockersShapeAndCarriesTheCaDigest() {
    JoinToken t = JoinToken.generate(ca.digest(), RANDOM);
    String text = t.render();
    assertThat(text).matches("SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}");
    assertThat(JoinToken.parse(text)).isEqualTo(t);
    assertThat(JoinToken.parse(text).caDigest()).isEqualTo(ca.digest());
    assertThat(t.toString()).doesNotContain(t.secret());
  }

  @Test
  void parsesATokenDockerWrote() {
    // digest with leading zeros survives the base36 round trip
    String zeros = "sha256:00000000000000000000000000000000000000000000000000000000000000ff";
    JoinToken t = new JoinToken(zeros, "0".repeat(24) + "1");
    assertThat(t.render()).isEqualTo("SWMTKN-1-" + "0".repeat(48) + "73-" + "0".repeat(24) + "1");
    assertThat(JoinToken.parse(t.render())).isEqualTo(t);
  }

  @Test
  void malformedTokensAreRefusedNamingThePart() {
    String good = JoinToken.generate(ca.digest(), RANDOM).render();
    String digest = good.split("-")[2];
    String secret = good.split("-")[3];
    assertThatThrownBy(() -> JoinToken.parse("")).hasMessage("join token is empty");
    assertThatThrownBy(() -> JoinToken.parse("XWMTKN-1-" + digest + "-" + secret))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("must start with \"SWMTKN-\"");
    assertThatThrownBy(() -> JoinToken.parse("SWMTKN-3-" + digest + "-" + secret))
        .hasMessageContaining("unknown version \"3\"");
    assertThatThrownBy(() -> JoinToken.parse("SWMTKN-2-1-" + digest + "-" + secret))
        .hasMessageContaining("FIPS");
    assertThatThrownBy(() -> JoinToken.parse("SWMTKN-1-" + digest))
        .hasMessageContaining("expected 4 parts");
    assertThatThrownBy(() -> JoinToken.parse("SWMTKN-1-" + digest.substring(1) + "-" + secret))
        .hasMessageContaining("CA digest must be 50 base36 characters, found 49");
    assertThatThrownBy(() -> JoinToken.parse("SWMTKN-1-" + digest.replace(digest.charAt(3), 'A') + "-" + secret))
        .hasMessageContaining("not a base36 SHA-256");
    assertThatThrownBy(() -> JoinToken.parse("SWMTKN-1-" + digest + "-" + secret + "0"))
        .hasMessageContaining("secret must be 25 base36 characters");
  }

  @Test
  void admitGivesTheRoleAndRefusesOtherCaAndRotatedTokensAtOnce() {
    JoinTokens tokens = JoinTokens.generate(ca.digest(), RANDOM);
    assertThat(tokens.admit(tokens.worker().render(), ca.digest())).isEqualTo(NodeRole.WORKER);
    assertThat(tokens.admit(tokens.manager().render(), ca.digest())).isEqualTo(NodeRole.MANAGER);

    JoinTokens rotated = tokens.rotate(NodeRole.WORKER, RANDOM);
    assertThat(rotated.manager()).isEqualTo(tokens.manager());
    assertThatThrownBy(() -> rotated.admit(tokens.worker().render(), ca.digest()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("A valid join token is necessary to join this cluster")
        .hasMessageContaining("rotated");
    assertThat(rotated.admit(rotated.worker().render(), ca.digest())).isEqualTo(NodeRole.WORKER);

    String otherDigest = ClusterCa.create("d", ClusterCaTest.CLOCK).digest();
    JoinTokens foreign = JoinTokens.generate(otherDigest, RANDOM);
    assertThatThrownBy(() -> rotated.admit(foreign.worker().render(), ca.digest()))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("names CA " + otherDigest);
  }

  @Test
  void joiningNodePinsTheCaByTheTokensDigest() {
    JoinToken token = JoinToken.generate(ca.digest(), RANDOM);
    assertThat(CaPin.verify(token, ca.rootPem())).containsExactlyElementsOf(ca.trustedRoots());

    ClusterCa impostor = ClusterCa.create("c", ClusterCaTest.CLOCK);
    assertThatThrownBy(() -> CaPin.verify(token, impostor.rootPem()))
        .isInstanceOf(UnauthorizedException.class)
        .hasMessageStartingWith("remote CA does not match fingerprint. Expected: " + ca.digest().substring(7));
    assertThatThrownBy(() -> CaPin.verify(token, ca.rootPem() + impostor.rootPem()))
        .as("an extra root beside the right one changes the digest")
        .isInstanceOf(UnauthorizedException.class);
  }
}
