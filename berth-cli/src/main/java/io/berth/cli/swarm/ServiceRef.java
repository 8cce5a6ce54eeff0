package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.client.ApiClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which service a word names, as docker's {@code service ps} decides it: an exact id, else an
 * exact name, else the one service whose id starts with it; two services with that prefix is an
 * error, none is "no such service".
 */
final class ServiceRef {
  private ServiceRef() {}

  /** The services' ids, in the order named; unknown words go to {@code notFound}. */
  static List<String> ids(ApiClient api, List<String> words, List<String> notFound) throws IOException {
    List<JsonNode> all = new ArrayList<>();
    try (ApiClient.Response r = api.get("/services")) {
      r.json().forEach(all::add);
    }
    List<String> ids = new ArrayList<>();
    for (String w : words) {
      String id = match(all, w);
      if (id == null) {
        notFound.add("no such service: " + w);
      } else {
        ids.add(id);
      }
    }
    return ids;
  }

  static String match(List<JsonNode> services, String word) {
    for (JsonNode s : services) {
      if (s.path("ID").asText().equals(word)) {
        return word;
      }
    }
    for (JsonNode s : services) {
      if (s.path("Spec").path("Name").asText().equals(word)) {
        return s.path("ID").asText();
      }
    }
    String found = null;
    for (JsonNode s : services) {
      if (s.path("ID").asText().startsWith(word)) {
        if (found != null) {
          throw new IllegalArgumentException("multiple services found with provided prefix: " + word);
        }
        found = s.path("ID").asText();
      }
    }
    return found;
  }
}
