package io.berth.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PEM files openssl and docker users have, read without a crypto library (fixtures: a CA, a server, keys). */
class PemTest {
  private static final Path DIR = Path.of("src/test/resources/pem");

  @Test
  void readsPkcs1Pkcs8AndSec1Keys() throws Exception {
    assertThat(Pem.privateKey(DIR.resolve("key.pem")).getAlgorithm()).isEqualTo("RSA");
    assertThat(Pem.privateKey(DIR.resolve("server-key.pem")).getAlgorithm()).isEqualTo("RSA");
    assertThat(Pem.privateKey(DIR.resolve("ec-key.pem")).getAlgorithm()).isEqualTo("EC");
    assertThat(Pem.certificates(DIR.resolve("ca.pem"))).hasSize(1);
    assertThat(Pem.certificates(DIR.resolve("key.pem"))).isEmpty();
    assertThatThrownBy(() -> Pem.privateKey(DIR.resolve("ca.pem"))).hasMessageContaining("no private key");
  }

  @Test
  void certificatesAreFoundBesideOtherBlocks(@TempDir Path tmp) throws Exception {
    Path both = tmp.resolve("both.pem");
    Files.writeString(both, Files.readString(DIR.resolve("server-key.pem")) + "some text\n"
        + Files.readString(DIR.resolve("server-cert.pem")) + Files.readString(DIR.resolve("ca.pem")));
    assertThat(Pem.certificates(both)).hasSize(2);
    assertThat(Pem.privateKey(both).getAlgorithm()).isEqualTo("RSA");
  }

  /** The daemon's and the registry's TLS contexts read their files with Pem and say which file failed. */
  @Test
  void theServerContextTakesWhatPemReads() {
    assertThat(TlsContexts.server(DIR.resolve("server-cert.pem"), DIR.resolve("server-key.pem"), DIR.resolve("ca.pem")))
        .isNotNull();
    assertThatThrownBy(() -> TlsContexts.server(DIR.resolve("key.pem"), DIR.resolve("server-key.pem"), null))
        .isInstanceOf(InvalidArgumentException.class).hasMessage("no certificate in " + DIR.resolve("key.pem"));
    assertThatThrownBy(() -> TlsContexts.server(DIR.resolve("server-cert.pem"), DIR.resolve("ca.pem"), null))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("no private key found in");
    assertThat(TlsContexts.client(List.of(DIR.resolve("ca.pem")), null, null)).isNotNull();
  }
}
