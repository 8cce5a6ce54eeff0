package io.berth.registry.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.http.HttpHandler;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import io.berth.oci.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The token endpoint of Docker's token flow ({@code GET /auth/token?service=...&scope=...}): a
 * client that met a Bearer challenge comes here, with its htpasswd credentials or none, and gets
 * a token whose access is what it asked for, limited to what the {@link AccessRules} allow it
 * (by default: everything for users who logged in, nothing for anonymous callers). Wrong
 * credentials are refused outright (401), as Docker's token servers do.
 */
public final class TokenIssuer implements HttpHandler {
  static final long LIFETIME = 300;
  private final Htpasswd users;
  private final Tokens tokens;
  private final AccessRules rules;

  public TokenIssuer(Htpasswd users, Tokens tokens) {
    this(users, tokens, AccessRules.loggedInMayDoAll());
  }

  public TokenIssuer(Htpasswd users, Tokens tokens, AccessRules rules) {
    this.users = users;
    this.tokens = tokens;
    this.rules = rules;
  }

  @Override
  public void handle(HttpRequest q, HttpResponse s) {
    if (!q.method().equals("GET")) {
      s.send(405, "application/json", "{\"errors\":[{\"code\":\"UNSUPPORTED\",\"message\":\"use GET\"}]}".getBytes());
      return;
    }
    String subject = "anonymous";
    String auth = q.header("authorization");
    if (auth != null) {
      String[] cred = BasicAuthorizer.basic(auth);
      if (cred == null || !users.check(cred[0], cred[1])) {
        s.header("WWW-Authenticate", BasicAuthorizer.REALM);
        s.send(401, "application/json",
            "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"incorrect username or password\"}]}".getBytes());
        return;
      }
      subject = cred[0];
    }
    List<Scope> granted = new ArrayList<>();
    String account = subject.equals("anonymous") ? null : subject;
    for (String raw : q.queryAll("scope")) {
      for (String one : raw.split(" ")) {
        Scope asked = parse(one);
        Scope allowed = asked == null ? null : rules.allowed(account, asked);
        if (allowed != null) {
          granted.add(allowed);
        }
      }
    }
    String token = tokens.issue(subject, granted, LIFETIME);
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("token", token).put("access_token", token).put("expires_in", LIFETIME)
        .put("issued_at", Instant.now().toString());
    s.send(200, "application/json", Json.bytes(body));
  }

  /** {@code repository:name:pull,push} (the name may contain ':' for a registry host); null if malformed. */
  static Scope parse(String scope) {
    int first = scope.indexOf(':');
    int last = scope.lastIndexOf(':');
    if (first <= 0 || last <= first) {
      return null;
    }
    String type = scope.substring(0, first);
    if (!type.equals("repository") && !type.equals("registry")) {
      return null;
    }
    Set<String> actions = Set.of(scope.substring(last + 1).split(","));
    return new Scope(type, scope.substring(first + 1, last), actions);
  }
}
