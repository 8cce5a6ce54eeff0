package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.client.ApiClient;
import io.berth.client.ApiException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Node and service ids shown as names, as docker's id resolver does for {@code service ps},
 * {@code node ps} and {@code service logs}: a node by its hostname, a service by its name, each
 * looked up once per command; an id the daemon does not know (a removed node) stays an id.
 */
final class Names {
  private final ApiClient api;
  private final boolean resolve;
  private final Map<String, String> cache = new HashMap<>();

  Names(ApiClient api, boolean resolve) {
    this.api = api;
    this.resolve = resolve;
  }

  String node(String id) throws IOException {
    return lookup("/nodes/", id, n -> n.path("Description").path("Hostname").asText(""));
  }

  String service(String id) throws IOException {
    return lookup("/services/", id, s -> s.path("Spec").path("Name").asText(""));
  }

  private String lookup(String path, String id, java.util.function.Function<JsonNode, String> name) throws IOException {
    if (!resolve || id == null || id.isEmpty()) {
      return id == null ? "" : id;
    }
    String known = cache.get(path + id);
    if (known != null) {
      return known;
    }
    String found;
    try (ApiClient.Response r = api.get(path + id)) {
      found = name.apply(r.json());
    } catch (ApiException e) {
      if (e.status() != 404) {
        throw e;
      }
      found = "";
    }
    String shown = found.isEmpty() ? id : found;
    cache.put(path + id, shown);
    return shown;
  }
}
