package io.berth.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The credentials headers the docker CLI sends: one registry's (X-Registry-Auth) or all of them (X-Registry-Config, builds). */
class CredentialsTest {
  private static String b64(String json) {
    return Base64.getUrlEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aBuildsConfigHeaderGivesEachRegistryItsOwnCredentials() {
    String header = b64("""
        {"localhost:5000": {"username": "alice", "password": "s3cret", "serveraddress": "localhost:5000"},
         "https://index.docker.io/v1/": {"username": "hub", "password": "h"},
         "http://10.0.0.9:5001/v2/": {"identitytoken": "tok"}}""");
    assertThat(Credentials.fromConfigHeader(header, "localhost:5000"))
        .isEqualTo(new Credentials("alice", "s3cret", null));
    assertThat(Credentials.fromConfigHeader(header, "docker.io").username()).isEqualTo("hub");
    assertThat(Credentials.fromConfigHeader(header, "10.0.0.9:5001").identityToken()).isEqualTo("tok");
    assertThat(Credentials.fromConfigHeader(header, "localhost:5001")).isEqualTo(Credentials.NONE);
    assertThat(Credentials.fromConfigHeader(null, "localhost:5000")).isEqualTo(Credentials.NONE);
    assertThat(Credentials.fromConfigHeader(b64("{}"), "localhost:5000")).isEqualTo(Credentials.NONE);
  }

  @Test
  void aBadConfigHeaderIsRefusedByName() {
    assertThatThrownBy(() -> Credentials.fromConfigHeader("%%%", "docker.io"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("X-Registry-Config is not base64");
    assertThatThrownBy(() -> Credentials.fromConfigHeader(b64("[1]"), "docker.io"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("X-Registry-Config");
  }
}
