package io.berth.registry.auth;

import io.berth.http.HttpHandler;
import java.util.Map;

/**
 * Picks the registry's authentication from its configuration: none, htpasswd basic auth, or the
 * token flow with the built-in issuer mounted at {@code /auth/token}.
 */
public final class Authorizers {
  /** The authorizer and the extra routes it needs. */
  public record Auth(Authorizer authorizer, Map<String, HttpHandler> routes) {}

  private Authorizers() {}

  public static Auth from(AuthConfig config) {
    if (config.htpasswd() == null) {
      return new Auth(Authorizer.OPEN, Map.of());
    }
    Htpasswd users = new Htpasswd(config.htpasswd());
    AccessRules rules = config.access() == null ? AccessRules.loggedInMayDoAll() : AccessRules.load(config.access());
    if (!config.tokenAuth()) {
      return new Auth(new BasicAuthorizer(users, rules), Map.of());
    }
    Tokens tokens = new Tokens(config.tokenKey());
    return new Auth(new TokenAuthorizer(tokens, config.tls(), rules),
        Map.of("/auth/token", new TokenIssuer(users, tokens, rules)));
  }
}
