package io.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTest {
  private static final String HELLO = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

  @Test
  void hashesAndParses() {
    Digest d = Digest.sha256("hello".getBytes());
    assertThat(d.toString()).isEqualTo(HELLO);
    assertThat(Digest.parse(HELLO)).isEqualTo(d);
    assertThat(d.algorithm()).isEqualTo("sha256");
    assertThat(d.shortHex()).isEqualTo("2cf24dba5fb0");
    MessageDigest md = Digest.newSha256();
    md.update("hel".getBytes());
    md.update("lo".getBytes());
    assertThat(Digest.ofSha256(md)).isEqualTo(d);
    assertThat(Digest.parse("sha512:" + "0".repeat(128)).algorithm()).isEqualTo("sha512");
  }

  @Test
  void sha512IsComputedWhenAskedFor() {
    Digest d = Digest.of("sha512", "hello".getBytes());
    assertThat(d.toString()).isEqualTo("sha512:9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7"
        + "2323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043");
    MessageDigest md = Digest.hasher("sha512");
    md.update("hel".getBytes());
    md.update("lo".getBytes());
    assertThat(Digest.of("sha512", md)).isEqualTo(d);
    assertThat(Digest.of("sha256", "hello".getBytes()).toString()).isEqualTo(HELLO);
    assertThatThrownBy(() -> Digest.hasher("sha384")).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("unsupported digest algorithm sha384");
  }

  @Test
  void ordersByText() {
    Digest a = Digest.parse("sha256:" + "0".repeat(64));
    Digest b = Digest.parse("sha256:" + "f".repeat(64));
    assertThat(a).isLessThan(b);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "sha256", "sha256:", ":abc", "md5:d41d8cd98f00b204e9800998ecf8427e",
      "sha256:../../etc/passwd", "sha256:2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824",
      "sha256:2cf24dba", "sha512:" + "0", "SHA256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
      "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 "})
  void rejectsAnythingThatCouldNotBeAFileName(String bad) {
    assertThatThrownBy(() -> Digest.parse(bad)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("invalid digest");
  }

  @Test
  void nullIsRefusedToo() {
    assertThatThrownBy(() -> Digest.parse(null)).isInstanceOf(InvalidArgumentException.class);
  }
}
