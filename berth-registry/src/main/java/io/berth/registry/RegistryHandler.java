package io.berth.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.http.HttpHandler;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import io.berth.oci.Json;
import io.berth.registry.auth.Authorizer;
import io.berth.registry.auth.Scope;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's front door: splits {@code /v2/<name>/<what>} (names contain slashes, so the
 * route is found from the right), asks the {@link Authorizer} for the scopes the route needs,
 * hands over to the blob or manifest routes, and turns every refusal into the spec's error body.
 */
public final class RegistryHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryHandler.class);
  static final String API_VERSION = "Docker-Distribution-API-Version";

  private final Authorizer authorizer;
  private final Map<String, HttpHandler> extra;
  private final BlobRoutes blobs;
  private final ManifestRoutes manifests;
  private final RegistryMetrics metrics;

  public RegistryHandler(RegistryStorage storage, Authorizer authorizer, Map<String, HttpHandler> extra,
      long maxManifestBytes) {
    this(storage, authorizer, extra, maxManifestBytes, null);
  }

  /** {@code metrics}: where requests are counted, or null. */
  public RegistryHandler(RegistryStorage storage, Authorizer authorizer, Map<String, HttpHandler> extra,
      long maxManifestBytes, RegistryMetrics metrics) {
    this.metrics = metrics;
    this.authorizer = authorizer;
    this.extra = Map.copyOf(extra);
    this.blobs = new BlobRoutes(storage, new Uploads(storage));
    this.manifests = new ManifestRoutes(storage, maxManifestBytes);
  }

  @Override
  public void handle(HttpRequest q, HttpResponse s) throws Exception {
    if (metrics == null) {
      serve(q, s);
      return;
    }
    try {
      serve(q, s);
    } finally {
      metrics.answered(RegistryOperation.of(q.method(), q.path(), q.query("mount") != null), s.status(), s.bodyBytes());
    }
  }

  private void serve(HttpRequest q, HttpResponse s) throws Exception {
    String path = q.path();
    HttpHandler other = extra.get(path);
    if (other != null) {
      other.handle(q, s);
      return;
    }
    s.header(API_VERSION, "registry/2.0");
    try {
      route(q, s, path);
    } catch (AuthRefusal e) {
      refuse(s, e.denied);
    } catch (RegistryError e) {
      error(s, e.status(), e.code(), e.getMessage(), e.detail());
    } catch (io.berth.errdefs.InvalidArgumentException e) {
      error(s, 400, "DIGEST_INVALID", e.getMessage(), null);
    } catch (UncheckedIOException e) {
      if (!s.committed()) {
        LOG.warn("{} {}: {}", q.method(), path, e.getMessage());
        error(s, 400, "BLOB_UPLOAD_INVALID", "the request body could not be read", e.getMessage());
      }
    }
  }

  private void route(HttpRequest q, HttpResponse s, String path) throws Exception {
    if (path.equals("/v2/") || path.equals("/v2")) {
      authorize(q, List.of());
      s.send(200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (!path.startsWith("/v2/")) {
      throw new RegistryError(404, "NOT_FOUND", "not found", path);
    }
    if (path.equals("/v2/_catalog")) {
      method(q, "GET");
      manifests.catalog(q, s, authorize(q, List.of(Scope.catalog())).mayPull());
      return;
    }
    String rest = path.substring(4);
    int i;
    if ((i = rest.lastIndexOf("/blobs/uploads")) > 0) {
      String name = RepositoryName.check(rest.substring(0, i));
      String tail = rest.substring(i + "/blobs/uploads".length());
      String id = tail.isEmpty() || tail.equals("/") ? null : tail.substring(1);
      List<Scope> scopes = new ArrayList<>(List.of(Scope.repository(name, Scope.PULL, Scope.PUSH)));
      String from = q.query("from");
      if (id == null && q.query("mount") != null && from != null) {
        scopes.add(Scope.repository(RepositoryName.check(from), Scope.PULL));
      }
      authorize(q, scopes);
      blobs.upload(q, s, name, id);
    } else if ((i = rest.lastIndexOf("/blobs/")) > 0) {
      String name = RepositoryName.check(rest.substring(0, i));
      boolean delete = q.method().equals("DELETE");
      authorize(q, List.of(Scope.repository(name, delete ? Scope.DELETE : Scope.PULL)));
      blobs.blob(q, s, name, rest.substring(i + "/blobs/".length()));
    } else if ((i = rest.lastIndexOf("/manifests/")) > 0) {
      String name = RepositoryName.check(rest.substring(0, i));
      String action = switch (q.method()) {
        case "PUT" -> Scope.PUSH;
        case "DELETE" -> Scope.DELETE;
        default -> Scope.PULL;
      };
      authorize(q, List.of(action.equals(Scope.PUSH) ? Scope.repository(name, Scope.PULL, Scope.PUSH)
          : Scope.repository(name, action)));
      manifests.manifest(q, s, name, rest.substring(i + "/manifests/".length()));
    } else if (rest.endsWith("/tags/list")) {
      String name = RepositoryName.check(rest.substring(0, rest.length() - "/tags/list".length()));
      method(q, "GET");
      authorize(q, List.of(Scope.repository(name, Scope.PULL)));
      manifests.tags(q, s, name);
    } else if ((i = rest.lastIndexOf("/referrers/")) > 0) {
      String name = RepositoryName.check(rest.substring(0, i));
      method(q, "GET");
      authorize(q, List.of(Scope.repository(name, Scope.PULL)));
      manifests.referrers(q, s, name, rest.substring(i + "/referrers/".length()));
    } else {
      throw new RegistryError(404, "NOT_FOUND", "not found", path);
    }
  }

  static void method(HttpRequest q, String... allowed) {
    for (String m : allowed) {
      if (q.method().equals(m) || (m.equals("GET") && q.method().equals("HEAD"))) {
        return;
      }
    }
    throw RegistryError.unsupported(q.method() + " " + q.path());
  }

  private Authorizer.Granted authorize(HttpRequest q, List<Scope> scopes) {
    return switch (authorizer.authorize(q, scopes)) {
      case Authorizer.Granted g -> g;
      case Authorizer.Denied d -> throw new AuthRefusal(d);
    };
  }

  /** Carries a {@link Authorizer.Denied} to the error writer with its challenge. */
  static final class AuthRefusal extends RuntimeException {
    final Authorizer.Denied denied;

    AuthRefusal(Authorizer.Denied denied) {
      super(denied.message());
      this.denied = denied;
    }
  }

  static void error(HttpResponse s, int status, String code, String message, String detail) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ObjectNode e = body.putArray("errors").addObject();
    e.put("code", code).put("message", message);
    if (detail != null) {
      e.put("detail", detail);
    }
    if (!s.committed()) {
      s.send(status, "application/json", Json.bytes(body));
    }
  }

  /** Writes an authorization refusal (401 with its challenge, or 403). */
  static void refuse(HttpResponse s, Authorizer.Denied d) {
    if (d.challenge() != null) {
      s.header("WWW-Authenticate", d.challenge());
    }
    error(s, d.status(), d.code(), d.message(), null);
  }
}
