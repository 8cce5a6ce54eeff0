package io.berth.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.ForbiddenException;
import io.berth.errdefs.UnauthorizedException;
import io.berth.oci.Json;
import java.net.http.HttpResponse;

/**
 * Words a registry's refusal of a push as dockerd does, so the docker CLI prints the same: a
 * caller the registry knows but will not let push (403, or a 401 whose error is DENIED /
 * {@code insufficient_scope} even after a fresh token) gets {@code denied: <the registry's
 * message>}; any other 401 means the login is missing or wrong.
 */
final class PushRefusal {
  private static final String DENIED = "requested access to the resource is denied";

  private PushRefusal() {}

  /** The error for {@code r}, or null when it is not an authorization refusal. */
  static BerthException of(HttpResponse<String> r, String domain) {
    if (r.statusCode() != 401 && r.statusCode() != 403) {
      return null;
    }
    JsonNode error = firstError(r.body());
    boolean denied = r.statusCode() == 403 || error.path("code").asText().equals("DENIED")
        || r.headers().firstValue("WWW-Authenticate").orElse("").contains("insufficient_scope");
    if (denied) {
      String message = error.path("message").asText("");
      return new ForbiddenException("denied: " + (message.isBlank() ? DENIED : message));
    }
    return new UnauthorizedException("unauthorized: authentication required to push to " + domain
        + " (docker login " + domain + ")");
  }

  private static JsonNode firstError(String body) {
    try {
      return Json.MAPPER.readTree(body == null || body.isBlank() ? "{}" : body).path("errors").path(0);
    } catch (java.io.IOException | RuntimeException e) {
      return Json.MAPPER.createObjectNode(); // not the spec's body: the status alone decides
    }
  }
}
