package io.berth.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What a user logs in to a registry with: a user name and password (or an identity token). The
 * docker CLI sends them per request in the {@code X-Registry-Auth} header as base64url JSON; they
 * are used for that request only and never stored by the daemon.
 */
public record Credentials(String username, String password, String identityToken) {
  public static final Credentials NONE = new Credentials(null, null, null);

  public boolean present() {
    return (username != null && !username.isEmpty()) || (identityToken != null && !identityToken.isEmpty());
  }

  /** The Basic authorization header value, or null without a user. */
  public String basic() {
    if (username == null || username.isEmpty()) {
      return null;
    }
    return "Basic " + Base64.getEncoder().encodeToString((username + ":" + (password == null ? "" : password))
        .getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes {@code X-Registry-Auth} (absent, empty or "{}" mean no credentials). */
  public static Credentials fromHeader(String header) {
    if (header == null || header.isBlank()) {
      return NONE;
    }
    byte[] json;
    try {
      json = Base64.getUrlDecoder().decode(header.strip().replace('+', '-').replace('/', '_').replace("=", ""));
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("X-Registry-Auth is not base64: " + e.getMessage());
    }
    if (json.length == 0) {
      return NONE;
    }
    JsonNode n = Json.read(json, JsonNode.class, "X-Registry-Auth");
    return new Credentials(text(n, "username"), text(n, "password"), text(n, "identitytoken"));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
  }

  @Override
  public String toString() {
    return "Credentials[" + (username == null ? "none" : username) + "]"; // never the password
  }
}
