package io.berth.registry.auth;

import io.berth.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * HTTP basic authentication against an htpasswd file; what each user may do per repository comes
 * from the {@link AccessRules} (by default: everything, for anyone who logs in).
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
      return new Denied(401, REALM, "UNAUTHORIZED", "authentication required");
    }
    if (!users.check(cred[0], cred[1])) {
      return new Denied(401, REALM, "UNAUTHORIZED", "incorrect username or password");
    }
    if (!rules.permits(cred[0], scopes)) {
      return new Denied(403, null, "DENIED", "requested access to the resource is denied");
    }
    return new Granted(cred[0]);
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
