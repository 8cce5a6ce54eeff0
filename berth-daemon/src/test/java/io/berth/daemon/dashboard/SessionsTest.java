package io.berth.daemon.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionsTest {
  @TempDir
  Path dir;

  /** A clock the test moves. */
  private static final class Hands extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aSessionCarriesItsTokensAccessAndItsOwnCsrfSecret() throws Exception {
    TokenStore tokens = TokenStore.open(dir, Clock.systemUTC());
    Sessions sessions = new Sessions(tokens, new Hands());
    Sessions.Session a = sessions.open(tokens.issue(true).info());
    Sessions.Session b = sessions.open(tokens.issue(false).info());
    assertThat(a.readOnly()).isTrue();
    assertThat(b.readOnly()).isFalse();
    assertThat(a.id()).isNotEqualTo(b.id()).hasSize(43);
    assertThat(a.csrf()).isNotEqualTo(b.csrf()).isNotEqualTo(a.id()).hasSize(43);
    assertThat(sessions.find(a.id())).contains(a);
    assertThat(sessions.find("nope")).isEmpty();
    assertThat(sessions.find(null)).isEmpty();
  }

  @Test
  void aSessionExpires() throws Exception {
    TokenStore tokens = TokenStore.open(dir, Clock.systemUTC());
    Hands clock = new Hands();
    Sessions sessions = new Sessions(tokens, clock);
    Sessions.Session s = sessions.open(tokens.issue(false).info());
    clock.now = clock.now.plus(Sessions.LIFETIME).minus(Duration.ofSeconds(1));
    assertThat(sessions.find(s.id())).isPresent();
    clock.now = clock.now.plus(Duration.ofSeconds(1));
    assertThat(sessions.find(s.id())).isEmpty();
  }

  @Test
  void revokingTheTokenEndsItsSessions() throws Exception {
    TokenStore tokens = TokenStore.open(dir, Clock.systemUTC());
    Sessions sessions = new Sessions(tokens, new Hands());
    TokenStore.Issued revoked = tokens.issue(false);
    TokenStore.Issued kept = tokens.issue(false);
    Sessions.Session s1 = sessions.open(revoked.info());
    Sessions.Session s2 = sessions.open(revoked.info());
    Sessions.Session s3 = sessions.open(kept.info());
    tokens.revoke(revoked.info().id());
    assertThat(sessions.find(s1.id())).isEmpty();
    assertThat(sessions.find(s2.id())).isEmpty();
    assertThat(sessions.find(s3.id())).isPresent();
  }

  @Test
  void logoutEndsOnlyThatSession() throws Exception {
    TokenStore tokens = TokenStore.open(dir, Clock.systemUTC());
    Sessions sessions = new Sessions(tokens, new Hands());
    TokenStore.TokenInfo t = tokens.issue(false).info();
    Sessions.Session a = sessions.open(t);
    Sessions.Session b = sessions.open(t);
    sessions.close(a.id());
    assertThat(sessions.find(a.id())).isEmpty();
    assertThat(sessions.find(b.id())).isPresent();
  }

  @Test
  void theNumberOfSessionsIsBounded() throws Exception {
    TokenStore tokens = TokenStore.open(dir, Clock.systemUTC());
    Sessions sessions = new Sessions(tokens, new Hands());
    TokenStore.TokenInfo t = tokens.issue(false).info();
    Sessions.Session first = sessions.open(t);
    for (int i = 0; i < Sessions.MAX; i++) {
      sessions.open(t);
    }
    assertThat(sessions.size()).isEqualTo(Sessions.MAX);
    assertThat(sessions.find(first.id())).isEmpty();
  }
}
