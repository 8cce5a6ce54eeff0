package io.berth.daemon.dashboard;

import io.berth.http.HttpRequest;
import java.util.Optional;

/**
 * Finds who a request comes from: an {@code Authorization: Bearer} token, else the session cookie.
 * A request with neither, or with a wrong one, has no access; the caller answers it with an empty 401.
 */
final class Authenticator {
  static final String COOKIE = "berth_session";

  private final TokenStore tokens;
  private final Sessions sessions;

  Authenticator(TokenStore tokens, Sessions sessions) {
    this.tokens = tokens;
    this.sessions = sessions;
  }

  Optional<Access> authenticate(HttpRequest q) {
    String auth = q.header("authorization");
    if (auth != null) {
      // a request that names a token stands or falls by it, whatever cookie it also carries
      if (auth.length() < 7 || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return Optional.empty();
      }
      return tokens.verify(auth.substring(7).trim()).map(t -> new Access(t.id(), t.readOnly(), null));
    }
    return sessions.find(cookie(q.header("cookie"), COOKIE))
        .map(s -> new Access(s.tokenId(), s.readOnly(), s));
  }

  /** Whether {@code access}, proved earlier, still holds: its session still open, its token not revoked. */
  boolean stillValid(Access access) {
    return access.bySession() ? sessions.find(access.session().id()).isPresent() : tokens.active(access.tokenId());
  }

  /** The value of cookie {@code name} in a Cookie header, or null. */
  static String cookie(String header, String name) {
    if (header == null) {
      return null;
    }
    for (String part : header.split(";")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).trim().equals(name)) {
        return p.substring(eq + 1).trim();
      }
    }
    return null;
  }
}
