package io.berth.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.distribution.Credentials;
import io.berth.distribution.RegistryAccess;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;

/**
 * {@code POST /auth}, what {@code docker login} calls: checks the credentials against the
 * registry (its {@code /v2/} and, for token registries, the token service) and answers
 * "Login Succeeded". The daemon keeps nothing: the client stores the credentials and sends them
 * with each pull and push.
 */
public final class AuthRoutes {
  private final RegistryAccess access;

  public AuthRoutes(RegistryAccess access) {
    this.access = access;
  }

  public void register(Router r) {
    r.add("POST", "/auth", this::login);
  }

  private void login(HttpRequest q, HttpResponse s) throws java.io.IOException {
    JsonNode body = Json.body(q);
    String server = body.path("serveraddress").asText("");
    if (server.isEmpty()) {
      throw new InvalidArgumentException("serveraddress is required");
    }
    // docker sends "https://host:port" or "host:port"; the registry's domain is what matters
    String domain = server.replaceFirst("^https?://", "").replaceFirst("/.*$", "");
    if (domain.equals("index.docker.io") || domain.equals("docker.io") || domain.equals("registry-1.docker.io")) {
      throw new InvalidArgumentException("Docker Hub cannot be reached from here (no internet registry); log in to a "
          + "registry you run, e.g. docker login 127.0.0.1:5000");
    }
    Credentials c = new Credentials(text(body, "username"), text(body, "password"), text(body, "identitytoken"));
    access.with(c).transport(domain).login();
    Json.send(s, 200, Json.object().put("Status", "Login Succeeded").put("IdentityToken", ""));
  }

  private static String text(JsonNode n, String f) {
    return n.path(f).isTextual() && !n.path(f).asText().isEmpty() ? n.path(f).asText() : null;
  }
}
