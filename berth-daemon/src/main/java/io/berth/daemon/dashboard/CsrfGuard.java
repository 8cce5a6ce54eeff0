package io.berth.daemon.dashboard;

import io.berth.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Keeps other sites from acting with a logged-in browser's cookie. The cookie is SameSite=Strict
 * already; on top, a write made with the cookie must echo the session's CSRF secret in
 * {@value #HEADER} (a cross-site form cannot set a header, and a cross-site script cannot read
 * the secret) and, when the browser sends an {@code Origin}, come from this very origin. Bearer
 * requests carry their token in a header no other site can make a browser send, so they need neither.
 */
final class CsrfGuard {
  static final String HEADER = "X-Berth-Csrf";

  private final boolean tls;

  CsrfGuard(boolean tls) {
    this.tls = tls;
  }

  /** Why this write must be refused, or null when it may go ahead. */
  String refusal(HttpRequest q, Access access) {
    if (!access.bySession()) {
      return null;
    }
    String origin = originRefusal(q);
    if (origin != null) {
      return origin;
    }
    String sent = q.header(HEADER);
    if (sent == null || sent.isEmpty()) {
      return "missing " + HEADER + " header: a write with the session cookie must echo the session's CSRF token"
          + " (GET /api/session)";
    }
    if (!MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
        access.session().csrf().getBytes(StandardCharsets.UTF_8))) {
      return "wrong " + HEADER + " header: it does not match this session's CSRF token";
    }
    return null;
  }

  /** Why a form post or write from this origin must be refused (another site's page), or null. */
  String originRefusal(HttpRequest q) {
    String origin = q.header("origin");
    if (origin == null) {
      return null; // not sent by every browser for same-origin requests; the CSRF header decides then
    }
    String host = q.header("host");
    String self = (tls ? "https://" : "http://") + host;
    if (host == null || !origin.equalsIgnoreCase(self)) {
      return "cross-site request refused: Origin " + origin + " is not this dashboard's (" + self + ")";
    }
    return null;
  }
}
