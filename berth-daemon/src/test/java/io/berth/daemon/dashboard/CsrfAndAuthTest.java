package io.berth.daemon.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.http.HttpRequest;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who a request is ({@link Authenticator}) and whether its write may go ahead ({@link CsrfGuard}). */
class CsrfAndAuthTest {
  @TempDir
  Path dir;
  private TokenStore tokens;
  private Sessions sessions;
  private Authenticator auth;
  private TokenStore.Issued writer;
  private Sessions.Session session;

  @BeforeEach
  void setUp() throws Exception {
    tokens = TokenStore.open(dir, Clock.systemUTC());
    sessions = new Sessions(tokens, Clock.systemUTC());
    auth = new Authenticator(tokens, sessions);
    writer = tokens.issue(false);
    session = sessions.open(writer.info());
  }

  private static HttpRequest request(String method, Map<String, String> headers) {
    Map<String, String> lower = new HashMap<>();
    headers.forEach((k, v) -> lower.put(k.toLowerCase(java.util.Locale.ROOT), v));
    lower.putIfAbsent("host", "127.0.0.1:9099");
    return new HttpRequest(method, "/api/x", lower, new ByteArrayInputStream(new byte[0]));
  }

  @Test
  void bearerOrCookieProveAccessAndNothingElseDoes() {
    assertThat(auth.authenticate(request("GET", Map.of("Authorization", "Bearer " + writer.secret()))))
        .map(Access::bySession).contains(false);
    assertThat(auth.authenticate(request("GET", Map.of("Cookie", "a=b; berth_session=" + session.id() + "; c=d"))))
        .map(Access::bySession).contains(true);
    assertThat(auth.authenticate(request("GET", Map.of()))).isEmpty();
    assertThat(auth.authenticate(request("GET", Map.of("Authorization", "Bearer bdt_wrong")))).isEmpty();
    assertThat(auth.authenticate(request("GET", Map.of("Authorization", "Basic " + writer.secret())))).isEmpty();
    assertThat(auth.authenticate(request("GET", Map.of("Cookie", "berth_session=forged")))).isEmpty();
    // a wrong Bearer is not rescued by a good cookie
    assertThat(auth.authenticate(request("GET", Map.of("Authorization", "Bearer bdt_wrong",
        "Cookie", "berth_session=" + session.id())))).isEmpty();
  }

  @Test
  void aCookieWriteNeedsTheSessionsCsrfHeader() {
    CsrfGuard guard = new CsrfGuard(false);
    Access byCookie = new Access(writer.info().id(), false, session);
    assertThat(guard.refusal(request("POST", Map.of()), byCookie)).contains("missing X-Berth-Csrf");
    assertThat(guard.refusal(request("POST", Map.of("X-Berth-Csrf", "guess")), byCookie)).contains("wrong X-Berth-Csrf");
    Sessions.Session other = sessions.open(writer.info());
    assertThat(guard.refusal(request("POST", Map.of("X-Berth-Csrf", other.csrf())), byCookie)).contains("wrong");
    assertThat(guard.refusal(request("POST", Map.of("X-Berth-Csrf", session.csrf())), byCookie)).isNull();
  }

  @Test
  void aCookieWriteFromAnotherOriginIsRefusedEvenWithTheHeader() {
    CsrfGuard guard = new CsrfGuard(false);
    Access byCookie = new Access(writer.info().id(), false, session);
    assertThat(guard.refusal(request("POST", Map.of("X-Berth-Csrf", session.csrf(), "Origin", "http://evil.example")),
        byCookie)).contains("cross-site").contains("evil.example");
    assertThat(guard.refusal(request("POST", Map.of("X-Berth-Csrf", session.csrf(), "Origin", "http://127.0.0.1:9099")),
        byCookie)).isNull();
    // under TLS the page's origin is https
    assertThat(new CsrfGuard(true).refusal(request("POST", Map.of("X-Berth-Csrf", session.csrf(),
        "Origin", "http://127.0.0.1:9099")), byCookie)).contains("cross-site");
  }

  @Test
  void bearerWritesNeedNoCsrfHeader() {
    assertThat(new CsrfGuard(false).refusal(request("POST", Map.of()), new Access(writer.info().id(), false, null)))
        .isNull();
  }

  @Test
  void accessEndsWhenTheTokenIsRevoked() {
    Access bearer = auth.authenticate(request("GET", Map.of("Authorization", "Bearer " + writer.secret()))).orElseThrow();
    Access cookie = auth.authenticate(request("GET", Map.of("Cookie", "berth_session=" + session.id()))).orElseThrow();
    assertThat(auth.stillValid(bearer)).isTrue();
    assertThat(auth.stillValid(cookie)).isTrue();
    tokens.revoke(writer.info().id());
    assertThat(auth.stillValid(bearer)).isFalse();
    assertThat(auth.stillValid(cookie)).isFalse();
  }
}
