package io.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class ReferenceTest {
  @Test
  void normalisesLikeDocker() {
    Reference r = Reference.parse("busybox");
    assertThat(r.toString()).isEqualTo("docker.io/library/busybox");
    assertThat(r.withDefaultTag().familiarString()).isEqualTo("busybox:latest");
    assertThat(Reference.parse("shop/order:1").name()).isEqualTo("docker.io/shop/order");
    assertThat(Reference.parse("shop/order:1").repository()).isEqualTo("shop/order");
    Reference full = Reference.parse("localhost:5000/a/b:v1.2");
    assertThat(full.domain()).isEqualTo("localhost:5000");
    assertThat(full.path()).isEqualTo("a/b");
    assertThat(full.tag()).isEqualTo("v1.2");
    assertThat(full.repository()).isEqualTo("localhost:5000/a/b");
    assertThat(Reference.parse("index.docker.io/library/redis").repository()).isEqualTo("redis");
  }

  @Test
  void digestsAndTagsTogether() {
    String d = "sha256:" + "a".repeat(64);
    Reference r = Reference.parse("registry.local:5000/shop/order:1@" + d);
    assertThat(r.tag()).isEqualTo("1");
    assertThat(r.digest().toString()).isEqualTo(d);
    assertThat(r.withDefaultTag()).isSameAs(r);
    assertThat(Reference.parse("busybox@" + d).withDefaultTag().tag()).isNull();
  }

  @Test
  void rejectsMalformedReferences() {
    for (String bad : new String[] {"", "library/UPPER", "a//b", "a:b:c", "busybox:", "-a", "a@sha256:zz",
        "a:" + "t".repeat(200), "a/../b"}) {
      assertThatThrownBy(() -> Reference.parse(bad)).as(bad).isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("invalid reference format");
    }
  }

  @Test
  void digestParsing() {
    Digest d = Digest.sha256("hello".getBytes());
    assertThat(d.toString()).isEqualTo("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    assertThat(Digest.parse(d.toString())).isEqualTo(d);
    assertThatThrownBy(() -> Digest.parse("sha256:../../etc")).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> Digest.parse("md5:abc")).isInstanceOf(InvalidArgumentException.class);
  }
}
