package io.berth.daemon.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.berth.daemon.swarm.SwarmUnavailableException;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.ErrorText;
import io.berth.http.BadRequestException;
import io.berth.http.HttpHandler;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard listener's front door. {@code /login} and {@code /logout} make and end sessions;
 * {@code /assets/...} are the app's files (no data in them, so no login needed); every
 * {@code /api/...} request must prove a token (Bearer) or a session (cookie), else it gets a 401
 * with an empty body; a write also needs a write token and, by cookie, the CSRF proof. Any other
 * GET is the app shell, for a logged-in browser, or a redirect to the login form.
 */
final class DashboardHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardHandler.class);
  private static final int MAX_FORM = 8 * 1024;

  private final TokenStore tokens;
  private final Sessions sessions;
  private final Authenticator auth;
  private final CsrfGuard csrf;
  private final RouteTable api;
  private final StaticAssets assets;
  private final boolean tls;

  DashboardHandler(TokenStore tokens, Sessions sessions, Authenticator auth, RouteTable api, StaticAssets assets,
      boolean tls) {
    this.tokens = tokens;
    this.sessions = sessions;
    this.auth = auth;
    this.csrf = new CsrfGuard(tls);
    this.api = api;
    this.assets = assets;
    this.tls = tls;
  }

  @Override
  public void handle(HttpRequest q, HttpResponse s) throws Exception {
    s.header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
    s.header("X-Frame-Options", "DENY");
    // same-origin, not no-referrer: under no-referrer Chromium sends "Origin: null" with the login
    // form's POST, which the Origin check rightly refuses (other sites still get no referrer)
    s.header("Referrer-Policy", "same-origin");
    String path = q.path();
    String method = q.method();
    if (path.startsWith("/api/")) {
      api(q, s);
    } else if (path.equals("/login")) {
      if (method.equals("POST")) {
        login(q, s);
      } else if (isRead(method)) {
        LoginPage.send(s, 200, false);
      } else {
        s.send(405, null, new byte[0]);
      }
    } else if (path.equals("/logout") && method.equals("POST")) {
      logout(q, s);
    } else if (path.startsWith("/assets/") && isRead(method)) {
      if (!assets.serve(path.substring("/assets/".length()), q, s)) {
        notFound(s);
      }
    } else if (isRead(method)) {
      shell(q, s);
    } else {
      s.send(405, null, new byte[0]);
    }
  }

  private static boolean isRead(String method) {
    return method.equals("GET") || method.equals("HEAD");
  }

  /** The app's page for a logged-in browser (whatever app path it asks for), else the login form. */
  private void shell(HttpRequest q, HttpResponse s) throws IOException {
    if (auth.authenticate(q).isEmpty()) {
      s.header("Location", "/login");
      s.header("Cache-Control", "no-store");
      s.send(303, null, new byte[0]);
      return;
    }
    if (!assets.serve("index.html", q, s)) {
      s.send(500, "text/plain; charset=utf-8",
          "this berthd was built without the dashboard's files (index.html is missing)\n".getBytes(StandardCharsets.UTF_8));
    }
  }

  private void login(HttpRequest q, HttpResponse s) throws IOException {
    if (csrf.originRefusal(q) != null) {
      s.send(403, null, new byte[0]);
      return;
    }
    byte[] form = q.body().readNBytes(MAX_FORM + 1);
    String token = form.length > MAX_FORM ? null : field(new String(form, StandardCharsets.US_ASCII), "token");
    Optional<TokenStore.TokenInfo> found = tokens.verify(token == null ? null : token.trim());
    if (found.isEmpty()) {
      LOG.info("dashboard login refused: not a valid token");
      LoginPage.send(s, 401, true);
      return;
    }
    LOG.info("dashboard login with token {} ({})", found.get().id(), found.get().readOnly() ? "read-only" : "read-write");
    sessions.close(Authenticator.cookie(q.header("cookie"), Authenticator.COOKIE));
    Sessions.Session session = sessions.open(found.get());
    s.header("Set-Cookie", Authenticator.COOKIE + "=" + session.id() + "; HttpOnly; SameSite=Strict; Path=/"
        + (tls ? "; Secure" : ""));
    s.header("Location", "/");
    s.header("Cache-Control", "no-store");
    s.send(303, null, new byte[0]);
  }

  private void logout(HttpRequest q, HttpResponse s) {
    if (csrf.originRefusal(q) != null) {
      s.send(403, null, new byte[0]);
      return;
    }
    sessions.close(Authenticator.cookie(q.header("cookie"), Authenticator.COOKIE));
    s.header("Set-Cookie", Authenticator.COOKIE + "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"
        + (tls ? "; Secure" : ""));
    s.header("Location", "/login");
    s.send(303, null, new byte[0]);
  }

  private void api(HttpRequest q, HttpResponse s) {
    Optional<Access> access = auth.authenticate(q);
    if (access.isEmpty()) {
      Replies.unauthorized(s);
      return;
    }
    Access a = access.get();
    try {
      RouteTable.Match m = api.find(q.method(), q.path());
      if (m == null) {
        Replies.error(s, 404, "no such dashboard route: " + q.method() + " " + q.path());
        return;
      }
      if (m == RouteTable.METHOD_NOT_ALLOWED) {
        Replies.error(s, 405, "method " + q.method() + " not allowed on " + q.path());
        return;
      }
      if (m.write()) {
        if (a.readOnly()) {
          Replies.error(s, 403, "read-only token: this token can look but not act (get a write token with"
              + " `berth dashboard token`)");
          return;
        }
        String refusal = csrf.refusal(q, a);
        if (refusal != null) {
          Replies.error(s, 403, refusal);
          return;
        }
      }
      q.bind(m.params(), q.path());
      m.handler().handle(q, s, a);
    } catch (BerthException e) {
      fail(s, e.httpStatus(), e.getMessage());
    } catch (SwarmUnavailableException e) {
      fail(s, 503, e.getMessage());
    } catch (JsonProcessingException e) {
      fail(s, 400, "invalid JSON: " + e.getOriginalMessage());
    } catch (BadRequestException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      fail(s, 400, e.getMessage());
    } catch (IOException e) {
      if (s.committed()) {
        LOG.debug("dashboard {} {}: browser went away: {}", q.method(), q.path(), e.toString());
      } else {
        fail(s, 500, ErrorText.of(e));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("dashboard {} {} failed", q.method(), q.path(), e);
      fail(s, 500, ErrorText.of(e));
    }
  }

  private static void fail(HttpResponse s, int status, String message) {
    if (!s.committed()) {
      Replies.error(s, status, message);
    }
  }

  private static void notFound(HttpResponse s) {
    s.send(404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
  }

  /** One field of an application/x-www-form-urlencoded body, or null. */
  static String field(String form, String name) {
    for (String part : form.split("&")) {
      int eq = part.indexOf('=');
      if (eq > 0 && part.substring(0, eq).equals(name)) {
        try {
          return URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }
}
