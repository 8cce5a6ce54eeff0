package io.berth.daemon.dashboard;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Browser sessions made by a login with a token, held in memory only: a restart logs everyone
 * out, which costs a login and keeps session ids out of the data root. A session lives
 * {@link #LIFETIME} from its login, carries its own CSRF secret, and ends when its token is
 * revoked (checked on every lookup, so revocation needs no bookkeeping here). The number of
 * sessions is bounded; past it the oldest goes.
 */
public final class Sessions {
  static final Duration LIFETIME = Duration.ofHours(12);
  static final int MAX = 1000;

  /** One logged-in browser: the token it logged in with and the CSRF secret its writes must echo. */
  public record Session(String id, String tokenId, boolean readOnly, String csrf, Instant expires) {}

  private final TokenStore tokens;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Session> byId = new LinkedHashMap<>();

  public Sessions(TokenStore tokens, Clock clock) {
    this.tokens = tokens;
    this.clock = clock;
  }

  public synchronized Session open(TokenStore.TokenInfo token) {
    dropExpired();
    if (byId.size() >= MAX) {
      Iterator<String> oldest = byId.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    Session s = new Session(randomId(), token.id(), token.readOnly(), randomId(), clock.instant().plus(LIFETIME));
    byId.put(s.id(), s);
    return s;
  }

  /** The live session {@code id} names: not expired, its token not revoked. */
  public synchronized Optional<Session> find(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Session s = byId.get(id);
    if (s == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(s.expires()) || !tokens.active(s.tokenId())) {
      byId.remove(id);
      return Optional.empty();
    }
    return Optional.of(s);
  }

  public synchronized void close(String id) {
    if (id != null) {
      byId.remove(id);
    }
  }

  synchronized int size() {
    return byId.size();
  }

  private void dropExpired() {
    Instant now = clock.instant();
    byId.values().removeIf(s -> !now.isBefore(s.expires()) || !tokens.active(s.tokenId()));
  }

  private String randomId() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
