package io.berth.registry.auth;

import io.berth.http.HttpRequest;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Checks bearer tokens from {@link TokenIssuer} on every request. A token that covers the scopes
 * the route needs lets it run. Otherwise the answer depends on what a new token could change:
 * <ul>
 *   <li>no valid token, or an anonymous caller the rules give nothing here: 401 with a Bearer
 *       challenge (realm, service, scope), which docker and skopeo answer by logging in or
 *       fetching a token;</li>
 *   <li>a token too narrow for a caller the rules would allow (e.g. pull-only, now pushing): 401
 *       with {@code error="insufficient_scope"}, so the client fetches a wider one;</li>
 *   <li>a caller the rules do not allow (a user who logged in, asking for a repository or action
 *       not theirs): 403 DENIED, since no token the issuer would give changes that.</li>
 * </ul>
 */
public final class TokenAuthorizer implements Authorizer {
  private final Tokens tokens;
  private final boolean tls;
  private final AccessRules rules;

  public TokenAuthorizer(Tokens tokens, boolean tls) {
    this(tokens, tls, AccessRules.loggedInMayDoAll());
  }

  public TokenAuthorizer(Tokens tokens, boolean tls, AccessRules rules) {
    this.tokens = tokens;
    this.tls = tls;
    this.rules = rules;
  }

  @Override
  public Decision authorize(HttpRequest request, List<Scope> scopes) {
    String auth = request.header("authorization");
    Tokens.Claims claims = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
        ? tokens.verify(auth.substring(7).strip()) : null;
    String account = claims == null || claims.subject().equals("anonymous") ? null : claims.subject();
    if (claims != null && covers(claims.access(), scopes)) {
      return new Granted(claims.subject(), r -> rules.mayPull(account, r));
    }
    boolean wouldGrant = rules.permits(account, scopes);
    if (claims != null && account != null && !wouldGrant) {
      return Denied.forbidden();
    }
    String host = request.header("host") == null ? "localhost" : request.header("host");
    StringBuilder challenge = new StringBuilder("Bearer realm=\"").append(tls ? "https" : "http").append("://")
        .append(host).append("/auth/token\",service=\"").append(Tokens.SERVICE).append('"');
    if (!scopes.isEmpty()) {
      challenge.append(",scope=\"").append(scopes.stream().map(Scope::render).collect(Collectors.joining(" ")))
          .append('"');
    }
    if (claims != null && wouldGrant) {
      challenge.append(",error=\"insufficient_scope\"");
      return new Denied(401, challenge.toString(), "DENIED", "requested access to the resource is denied");
    }
    return new Denied(401, challenge.toString(), "UNAUTHORIZED", "authentication required");
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
