package io.berth.daemon.dashboard;

/**
 * Who a dashboard request comes from: the token it proved, read-only or not, and the browser
 * session it came through ({@code null} for an {@code Authorization: Bearer} request, which
 * carries its token itself and so needs no CSRF secret).
 */
public record Access(String tokenId, boolean readOnly, Sessions.Session session) {
  boolean bySession() {
    return session != null;
  }
}
