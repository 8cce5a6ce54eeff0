package io.berth.registry.auth;

import io.berth.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * HTTP basic authentication against an htpasswd file; what each user may do per repository comes
 * from the {@link AccessRules} (by default: everything, for anyone who logs in). A user who logged
 * in but may not do what they ask gets 403 DENIED, not another challenge: other credentials are
 * not what is missing.
 */
public final class BasicAuthorizer implements Authorizer {
  static final String REALM = "Basic realm=\"Berth Registry\"";
  private final Htpasswd users;
  private final AccessRules rules;

  public BasicAuthorizer(Htpasswd users) {
    this(users, AccessRules.loggedInMayDoAll());
  }

  public BasicAuthorizer(Htpasswd users, AccessRules rules) {
    this.users = users;
    this.rules = rules;
  }

  @Override
  public Decision authorize(HttpRequest request, List<Scope> scopes) {
    String[] cred = basic(request.header("authorization"));
    if (cred == null) {
      // the rules' "anonymous" account: what callers without credentials may do (never the /v2/ check,
      // which is how clients find out that the registry wants a login)
      return !scopes.isEmpty() && rules.permits(null, scopes) ? new Granted("anonymous", r -> rules.mayPull(null, r))
          : new Denied(401, REALM, "UNAUTHORIZED", "authentication required");
    }
    if (!users.check(cred[0], cred[1])) {
      return new Denied(401, REALM, "UNAUTHORIZED", "incorrect username or password");
    }
    if (!rules.permits(cred[0], scopes)) {
      return Denied.forbidden();
    }
    String account = cred[0];
    return new Granted(account, r -> rules.mayPull(account, r));
  }

  /** {@code [user, password]} from a Basic Authorization header, or null. */
  static String[] basic(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    return colon <= 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
  }
}
