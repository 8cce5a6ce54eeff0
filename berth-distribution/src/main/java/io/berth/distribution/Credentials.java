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
    JsonNode n = decode(header, "X-Registry-Auth");
    if (n == null) {
      return NONE;
    }
    return new Credentials(text(n, "username"), text(n, "password"), text(n, "identitytoken"));
  }

  /**
   * The credentials for {@code registry} (a host[:port], Docker Hub's as {@code docker.io}) in an
   * {@code X-Registry-Config} header: what {@code docker build} sends, base64url JSON of every
   * registry the user logged in to, keyed by server address ({@code localhost:5000},
   * {@code https://index.docker.io/v1/}); none when absent or not listed.
   */
  public static Credentials fromConfigHeader(String header, String registry) {
    JsonNode all = decode(header, "X-Registry-Config");
    if (all == null) {
      return NONE;
    }
    if (!all.isObject()) {
      throw new InvalidArgumentException("X-Registry-Config must be a JSON object of registries");
    }
    for (var it = all.fields(); it.hasNext(); ) {
      var e = it.next();
      if (host(e.getKey()).equals(host(registry)) && e.getValue().isObject()) {
        JsonNode n = e.getValue();
        return new Credentials(text(n, "username"), text(n, "password"), text(n, "identitytoken"));
      }
    }
    return NONE;
  }

  /** The JSON a credentials header carries (base64url, padded or not), null when absent or empty. */
  private static JsonNode decode(String header, String name) {
    if (header == null || header.isBlank()) {
      return null;
    }
    byte[] json;
    try {
      json = Base64.getUrlDecoder().decode(header.strip().replace('+', '-').replace('/', '_').replace("=", ""));
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(name + " is not base64: " + e.getMessage());
    }
    return json.length == 0 ? null : Json.read(json, JsonNode.class, name);
  }

  /** A server address as a host[:port]: scheme and path dropped, Docker Hub's names made one. */
  private static String host(String address) {
    String h = address.replaceFirst("^[a-zA-Z]+://", "");
    int slash = h.indexOf('/');
    h = slash < 0 ? h : h.substring(0, slash);
    return switch (h) {
      case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> "docker.io";
      default -> h;
    };
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
