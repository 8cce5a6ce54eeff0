package io.berth.daemon.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.berth.http.BadRequestException;
import io.berth.http.HttpHandler;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.ErrorText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps Engine API paths to route handlers: strips the {@code /vX.Y} prefix (refusing versions
 * newer than we speak, as dockerd does), matches {@code {name}} segments, and turns the error
 * kinds into Docker's status codes and {@code {"message": ...}} bodies. Holds no logic of its own.
 */
public final class Router implements HttpHandler {
  public static final String API_VERSION = "1.47";
  public static final String MIN_API_VERSION = "1.24";
  private static final Logger LOG = LoggerFactory.getLogger(Router.class);
  private static final Pattern VERSIONED = Pattern.compile("^/v(\\d+)\\.(\\d+)(/.*)$");

  /** The route template a request that matched none is counted under. */
  public static final String NO_ROUTE = "other";

  private final List<Route> routes = new ArrayList<>();
  private volatile RequestObserver observer = (method, template, status, nanos) -> { };

  /**
   * Hears of each answered request by its route TEMPLATE ({@code /containers/{id}/json}), never
   * its raw path, so that metrics have one series per route and not one per container.
   */
  @FunctionalInterface
  public interface RequestObserver {
    void answered(String method, String template, int status, long nanos);
  }

  public void observe(RequestObserver observer) {
    this.observer = observer;
  }

  /** A handler of one route; path parameters are on the request. */
  @FunctionalInterface
  public interface RouteHandler {
    void handle(HttpRequest request, HttpResponse response) throws Exception;
  }

  private record Route(String method, String template, Pattern pattern, List<String> names, RouteHandler handler) {}

  public Router add(String method, String template, RouteHandler handler) {
    List<String> names = new ArrayList<>();
    StringBuilder re = new StringBuilder("^");
    Matcher m = Pattern.compile("\\{(\\w+)(\\*)?}").matcher(template);
    int last = 0;
    while (m.find()) {
      re.append(Pattern.quote(template.substring(last, m.start())));
      names.add(m.group(1));
      re.append(m.group(2) != null ? "(.+)" : "([^/]+)");
      last = m.end();
    }
    re.append(Pattern.quote(template.substring(last))).append("/?$");
    routes.add(new Route(method, template, Pattern.compile(re.toString()), names, handler));
    return this;
  }

  @Override
  public void handle(HttpRequest request, HttpResponse response) {
    long began = System.nanoTime();
    String[] template = {NO_ROUTE};
    try {
      dispatch(request, response, template);
    } finally {
      // a client that went away before any answer is counted as status 0
      observer.answered(request.method(), template[0], response.status(), System.nanoTime() - began);
    }
  }

  private void dispatch(HttpRequest request, HttpResponse response, String[] template) {
    try {
      String path = request.path();
      Matcher v = VERSIONED.matcher(path);
      if (v.matches()) {
        int major = Integer.parseInt(v.group(1));
        int minor = Integer.parseInt(v.group(2));
        if (major > 1 || (major == 1 && minor > 47)) {
          Json.error(response, 400, "client version " + major + "." + minor
              + " is too new. Maximum supported API version is " + API_VERSION);
          return;
        }
        if (major < 1 || (major == 1 && minor < 24)) {
          Json.error(response, 400, "client version " + major + "." + minor
              + " is too old. Minimum supported API version is " + MIN_API_VERSION
              + ", please upgrade your client to a newer version");
          return;
        }
        path = v.group(3);
      }
      boolean pathKnown = false;
      for (Route r : routes) {
        Matcher m = r.pattern.matcher(path);
        if (!m.matches()) {
          continue;
        }
        pathKnown = true;
        if (!r.method.equals(request.method())
            && !(r.method.equals("GET") && request.method().equals("HEAD"))) {
          continue;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < r.names.size(); i++) {
          params.put(r.names.get(i), m.group(i + 1));
        }
        request.bind(params, path);
        template[0] = r.template;
        r.handler.handle(request, response);
        return;
      }
      if (pathKnown) {
        Json.error(response, 405, "method " + request.method() + " not allowed on " + path);
      } else {
        Json.error(response, 404, "page not found");
      }
    } catch (BerthException e) {
      respondError(response, e.httpStatus(), e.getMessage());
    } catch (io.berth.daemon.swarm.SwarmUnavailableException e) {
      respondError(response, 503, e.getMessage());
    } catch (JsonProcessingException e) {
      respondError(response, 400, "invalid JSON: " + e.getOriginalMessage());
    } catch (BadRequestException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      respondError(response, 400, e.getMessage());
    } catch (java.io.IOException e) {
      if (response.committed()) {
        LOG.debug("{} {}: client went away: {}", request.method(), request.path(), e.toString());
      } else {
        respondError(response, 500, ErrorText.of(e));
      }
    } catch (Exception e) {
      LOG.warn("{} {} failed", request.method(), request.path(), e);
      respondError(response, 500, ErrorText.of(e));
    }
  }

  private static void respondError(HttpResponse response, int status, String message) {
    if (!response.committed()) {
      Json.error(response, status, message);
    } else {
      LOG.debug("error after response was committed: {}", message);
    }
  }
}
