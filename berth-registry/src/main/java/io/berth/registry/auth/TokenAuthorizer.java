package io.berth.registry.auth;

import io.berth.http.HttpRequest;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Checks bearer tokens from {@link TokenIssuer} on every request: a missing, invalid or expired
 * token, or one whose access does not cover the scopes the route needs, gets a Bearer challenge
 * naming the realm, service and scope, which docker and skopeo answer by fetching a new token.
 */
public final class TokenAuthorizer implements Authorizer {
  private final Tokens tokens;
  private final boolean tls;

  public TokenAuthorizer(Tokens tokens, boolean tls) {
    this.tokens = tokens;
    this.tls = tls;
  }

  @Override
  public Decision authorize(HttpRequest request, List<Scope> scopes) {
    String auth = request.header("authorization");
    List<Scope> access = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
        ? tokens.verify(auth.substring(7).strip()) : null;
    if (access != null && covers(access, scopes)) {
      return new Granted("token");
    }
    String host = request.header("host") == null ? "localhost" : request.header("host");
    StringBuilder challenge = new StringBuilder("Bearer realm=\"").append(tls ? "https" : "http").append("://")
        .append(host).append("/auth/token\",service=\"").append(Tokens.SERVICE).append('"');
    if (!scopes.isEmpty()) {
      challenge.append(",scope=\"").append(scopes.stream().map(Scope::render).collect(Collectors.joining(" ")))
          .append('"');
    }
    if (access != null) {
      challenge.append(",error=\"insufficient_scope\"");
    }
    return new Denied(401, challenge.toString(), access == null ? "UNAUTHORIZED" : "DENIED",
        access == null ? "authentication required" : "requested access to the resource is denied");
  }

  private static boolean covers(List<Scope> access, List<Scope> needed) {
    for (Scope n : needed) {
      boolean ok = access.stream().anyMatch(a -> a.type().equals(n.type()) && a.name().equals(n.name())
          && (a.actions().containsAll(n.actions()) || a.actions().contains("*")));
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
