package io.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReferenceTest {
  private static final String D = "sha256:" + "a".repeat(64);

  @ParameterizedTest(name = "{0}")
  @CsvSource(nullValues = "-", value = {
      // input,                          domain,             path,               tag,    repository,        familiar (default tag)
      "busybox,                          docker.io,          library/busybox,    -,      busybox,           busybox:latest",
      "busybox:1.36,                     docker.io,          library/busybox,    1.36,   busybox,           busybox:1.36",
      "library/busybox,                  docker.io,          library/busybox,    -,      busybox,           busybox:latest",
      "docker.io/busybox,                docker.io,          library/busybox,    -,      busybox,           busybox:latest",
      "index.docker.io/library/redis:7,  docker.io,          library/redis,      7,      redis,             redis:7",
      "shop/order,                       docker.io,          shop/order,         -,      shop/order,        shop/order:latest",
      "shop/order/api:v1_2-rc.3,         docker.io,          shop/order/api,     v1_2-rc.3, shop/order/api, shop/order/api:v1_2-rc.3",
      "localhost/a,                      localhost,          a,                  -,      localhost/a,       localhost/a:latest",
      "localhost:5000/a/b:v1.2,          localhost:5000,     a/b,                v1.2,   localhost:5000/a/b, localhost:5000/a/b:v1.2",
      "host:5000/ns/repo:tag,            host:5000,          ns/repo,            tag,    host:5000/ns/repo, host:5000/ns/repo:tag",
      "registry.example.com/x,           registry.example.com, x,                -,      registry.example.com/x, registry.example.com/x:latest",
      "Upper.Host/x,                     Upper.Host,         x,                  -,      Upper.Host/x,      Upper.Host/x:latest",
      "[::1]:5000/img:1,                 [::1]:5000,         img,                1,      [::1]:5000/img,    [::1]:5000/img:1",
      "a__b/c-d---e.f:_tag,              docker.io,          a__b/c-d---e.f,     _tag,   a__b/c-d---e.f,    a__b/c-d---e.f:_tag",
  })
  void normalisesLikeDocker(String in, String domain, String path, String tag, String repo, String familiar) {
    Reference r = Reference.parse(in);
    assertThat(r.domain()).isEqualTo(domain);
    assertThat(r.path()).isEqualTo(path);
    assertThat(r.tag()).isEqualTo(tag);
    assertThat(r.digest()).isNull();
    assertThat(r.repository()).isEqualTo(repo);
    assertThat(r.withDefaultTag().familiarString()).isEqualTo(familiar);
    assertThat(r.name()).isEqualTo(domain + "/" + path);
    assertThat(Reference.parse(r.toString())).as("round trip").isEqualTo(r);
  }

  @Test
  void digestsAndTagsTogether() {
    Reference r = Reference.parse("registry.local:5000/shop/order:1@" + D);
    assertThat(r.tag()).isEqualTo("1");
    assertThat(r.digest()).isEqualTo(Digest.parse(D));
    assertThat(r.withDefaultTag()).isSameAs(r);
    assertThat(r.familiarString()).isEqualTo("registry.local:5000/shop/order:1@" + D);
    Reference byDigest = Reference.parse("busybox@" + D);
    assertThat(byDigest.withDefaultTag().tag()).as("a digest needs no default tag").isNull();
    assertThat(byDigest.familiarString()).isEqualTo("busybox@" + D);
    assertThat(byDigest.toString()).isEqualTo("docker.io/library/busybox@" + D);
  }

  @Test
  void aDefaultTagIsOnlyAddedWhenNeeded() {
    Reference r = Reference.parse("busybox");
    assertThat(r.tag()).isNull();
    assertThat(r.withDefaultTag().tag()).isEqualTo("latest");
    assertThat(Reference.parse("busybox:1").withDefaultTag().tag()).isEqualTo("1");
    assertThat(r.toString()).isEqualTo("docker.io/library/busybox");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "library/UPPER", "Busybox", "a//b", "a:b:c", "busybox:", "-a", "a-", "a@sha256:zz",
      "a@", "a@sha256:" + "a", "/a", "a/", "a/../b", "a b", "a:t@g", ":tag", "host:5000/", "busybox:-x", "a/.b",
      "a..b", "ns/Repo", "host:port/a"})
  void rejectsMalformedReferencesNamingThem(String bad) {
    assertThatThrownBy(() -> Reference.parse(bad)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("invalid");
  }

  @Test
  void errorsSayWhatWasWrong() {
    assertThatThrownBy(() -> Reference.parse("Busybox"))
        .hasMessage("invalid reference format: repository name (library/Busybox) must be lowercase");
    assertThatThrownBy(() -> Reference.parse("shop/Order")).hasMessageContaining("must be lowercase")
        .hasMessageContaining("shop/Order");
    assertThatThrownBy(() -> Reference.parse("busybox:" + "t".repeat(129))).hasMessageContaining("bad tag");
    assertThat(Reference.parse("busybox:" + "t".repeat(128)).tag()).hasSize(128);
    assertThatThrownBy(() -> Reference.parse("a".repeat(64).replace('a', 'f')))
        .hasMessageContaining("64-byte hexadecimal");
    assertThatThrownBy(() -> Reference.parse("x/" + "a".repeat(260))).hasMessageContaining("255 characters");
    assertThatThrownBy(() -> Reference.parse(null)).isInstanceOf(InvalidArgumentException.class);
  }
}
