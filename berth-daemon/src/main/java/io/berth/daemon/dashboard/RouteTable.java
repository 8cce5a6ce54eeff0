package io.berth.daemon.dashboard;

import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard's few {@code /api} routes, matched by method and a path template with
 * {@code {name}} segments. The Engine API's router is not reused: it belongs to the API layer
 * (version prefixes, Docker's error mapping), which the dashboard, a service of the daemon, may not reach.
 */
final class RouteTable {
  @FunctionalInterface
  interface Handler {
    void handle(HttpRequest q, HttpResponse s, Access access) throws Exception;
  }

  /** A matched route: whether it writes, and how to run it. */
  record Match(boolean write, Handler handler, Map<String, String> params) {}

  private record Route(String method, Pattern pattern, List<String> names, Handler handler) {}

  private final List<Route> routes = new ArrayList<>();

  RouteTable add(String method, String template, Handler handler) {
    List<String> names = new ArrayList<>();
    StringBuilder re = new StringBuilder("^");
    Matcher m = Pattern.compile("\\{(\\w+)}").matcher(template);
    int last = 0;
    while (m.find()) {
      re.append(Pattern.quote(template.substring(last, m.start()))).append("([^/]+)");
      names.add(m.group(1));
      last = m.end();
    }
    re.append(Pattern.quote(template.substring(last))).append('$');
    routes.add(new Route(method, Pattern.compile(re.toString()), names, handler));
    return this;
  }

  /** The route for this method and path; null when the path is unknown; a 405 marker when only the method is wrong. */
  Match find(String method, String path) {
    boolean known = false;
    for (Route r : routes) {
      Matcher m = r.pattern.matcher(path);
      if (!m.matches()) {
        continue;
      }
      known = true;
      if (!r.method.equals(method) && !(r.method.equals("GET") && method.equals("HEAD"))) {
        continue;
      }
      Map<String, String> params = new HashMap<>();
      for (int i = 0; i < r.names.size(); i++) {
        params.put(r.names.get(i), m.group(i + 1));
      }
      return new Match(!r.method.equals("GET"), r.handler, params);
    }
    return known ? METHOD_NOT_ALLOWED : null;
  }

  static final Match METHOD_NOT_ALLOWED = new Match(false, null, Map.of());
}
