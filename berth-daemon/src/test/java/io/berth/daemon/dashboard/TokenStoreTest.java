package io.berth.daemon.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.NotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStoreTest {
  @TempDir
  Path dir;

  @Test
  void aTokenIsKeptOnlyAsItsHashInAFileOnlyTheOwnerReads() throws Exception {
    TokenStore store = TokenStore.open(dir.resolve("dashboard"), Clock.systemUTC());
    TokenStore.Issued issued = store.issue(false);
    assertThat(issued.secret()).startsWith(TokenStore.PREFIX).hasSize(TokenStore.PREFIX.length() + 43);
    Path file = dir.resolve("dashboard/tokens.json");
    String stored = Files.readString(file);
    assertThat(stored).doesNotContain(issued.secret())
        .doesNotContain(issued.secret().substring(TokenStore.PREFIX.length()))
        .contains("sha256:" + HexFormat.of().formatHex(TokenStore.sha256(issued.secret())));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(store.verify(issued.secret())).map(TokenStore.TokenInfo::id).contains(issued.info().id());
  }

  @Test
  void wrongOrEmptyTokensAreNotAccepted() throws Exception {
    TokenStore store = TokenStore.open(dir, Clock.systemUTC());
    TokenStore.Issued issued = store.issue(false);
    String s = issued.secret();
    assertThat(store.verify(s.substring(0, s.length() - 1) + (s.endsWith("A") ? "B" : "A"))).isEmpty();
    assertThat(store.verify("")).isEmpty();
    assertThat(store.verify(null)).isEmpty();
    assertThat(store.verify(s + " ")).isEmpty();
  }

  @Test
  void tokensSurviveARestartWithTheirAccess() throws Exception {
    TokenStore store = TokenStore.open(dir, Clock.systemUTC());
    TokenStore.Issued rw = store.issue(false);
    TokenStore.Issued ro = store.issue(true);
    TokenStore again = TokenStore.open(dir, Clock.systemUTC());
    assertThat(again.verify(rw.secret())).map(TokenStore.TokenInfo::readOnly).contains(false);
    assertThat(again.verify(ro.secret())).map(TokenStore.TokenInfo::readOnly).contains(true);
    assertThat(again.list()).extracting(TokenStore.TokenInfo::id).containsExactly(rw.info().id(), ro.info().id());
  }

  @Test
  void aRevokedTokenStopsWorkingAndStaysRevokedAfterARestart() throws Exception {
    TokenStore store = TokenStore.open(dir, Clock.systemUTC());
    TokenStore.Issued a = store.issue(false);
    TokenStore.Issued b = store.issue(false);
    store.revoke(a.info().id().substring(0, 12));
    assertThat(store.verify(a.secret())).isEmpty();
    assertThat(store.active(a.info().id())).isFalse();
    assertThat(store.verify(b.secret())).isPresent();
    assertThat(TokenStore.open(dir, Clock.systemUTC()).verify(a.secret())).isEmpty();
    assertThatThrownBy(() -> store.revoke(a.info().id())).isInstanceOf(NotFoundException.class)
        .hasMessageContaining(a.info().id());
  }

  @Test
  void aMalformedFileIsRefusedNamingIt() throws Exception {
    Files.writeString(dir.resolve("tokens.json"), "{\"Tokens\":[{\"ID\":\"x\",\"Hash\":\"md5:00\"}]}");
    assertThatThrownBy(() -> TokenStore.open(dir, Clock.systemUTC())).hasMessageContaining(dir.resolve("tokens.json").toString())
        .hasMessageContaining("malformed");
  }
}
