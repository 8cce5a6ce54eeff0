package io.berth.registry.auth;

import io.berth.http.HttpRequest;
import java.util.List;
import java.util.function.Predicate;

/**
 * Decides, before any /v2/ route runs, whether a request may do what it asks. The registry
 * server knows the scopes a route needs; the authorizer knows who is asking (none, htpasswd
 * basic auth, or bearer tokens from the built-in issuer) and what they may do.
 */
public interface Authorizer {
  /**
   * {@code scopes} is empty for the {@code /v2/} version check, which only needs the caller to be
   * authenticated (when authentication is on at all).
   */
  Decision authorize(HttpRequest request, List<Scope> scopes);

  /** The outcome: either the subject allowed (may be "anonymous"), or how to refuse. */
  sealed interface Decision permits Granted, Denied {}

  /**
   * An allowed caller; {@code mayPull} says which repositories it may pull, for the routes that
   * list repositories (the catalog shows only those, as a registry behind an access controller does).
   */
  record Granted(String subject, Predicate<String> mayPull) implements Decision {}

  /**
   * A refusal: {@code status} 401 with a {@code challenge} for WWW-Authenticate when the caller
   * should authenticate (again), or 403 when they did but may not; {@code code} is the spec's
   * error code (UNAUTHORIZED, DENIED).
   */
  record Denied(int status, String challenge, String code, String message) implements Decision {
    /** The spec's 403: the caller is known, and no other credentials or token would change the answer. */
    static Denied forbidden() {
      return new Denied(403, null, "DENIED", "requested access to the resource is denied");
    }
  }

  /** No authentication: everyone may do everything (the default on loopback). */
  Authorizer OPEN = (request, scopes) -> new Granted("anonymous", repository -> true);
}
