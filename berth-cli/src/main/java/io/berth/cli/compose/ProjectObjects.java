package io.berth.cli.compose;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.client.ApiClient;
import io.berth.client.ApiException;
import io.berth.compose.ContainerBodies;
import io.berth.compose.Observed;
import io.berth.compose.Project;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds a project's engine objects by compose's labels, the only link between a compose file
 * and what runs: containers (per service, replicas ordered by number), networks, volumes.
 */
final class ProjectObjects {
  private final ApiClient api;
  private final String project;

  ProjectObjects(ApiClient api, String project) {
    this.api = api;
    this.project = project;
  }

  static String filter(String... labels) {
    StringBuilder sb = new StringBuilder("{\"label\":[");
    for (int i = 0; i < labels.length; i++) {
      sb.append(i == 0 ? "" : ",").append('"').append(labels[i].replace("\"", "\\\"")).append('"');
    }
    sb.append("]}");
    return URLEncoder.encode(sb.toString(), StandardCharsets.UTF_8);
  }

  /** All containers of the project (one-off ones too when {@code oneoff}), by service and number. */
  List<JsonNode> containers(String service, boolean all, boolean oneoff) throws IOException {
    List<String> labels = new ArrayList<>(List.of(ContainerBodies.PROJECT + "=" + project));
    if (service != null) {
      labels.add(ContainerBodies.SERVICE + "=" + service);
    }
    List<JsonNode> out = new ArrayList<>();
    try (var r = api.get("/containers/json?all=" + (all ? 1 : 0) + "&filters=" + filter(labels.toArray(String[]::new)))) {
      for (JsonNode c : r.json()) {
        boolean isOneoff = c.path("Labels").path(ContainerBodies.ONEOFF).asText("False").equals("True");
        if (oneoff || !isOneoff) {
          out.add(c);
        }
      }
    }
    out.sort(Comparator.comparing((JsonNode c) -> c.path("Labels").path(ContainerBodies.SERVICE).asText())
        .thenComparingInt(c -> number(c)));
    return out;
  }

  static int number(JsonNode c) {
    try {
      return Integer.parseInt(c.path("Labels").path(ContainerBodies.NUMBER).asText("0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static String name(JsonNode c) {
    return c.path("Names").path(0).asText().replaceFirst("^/", "");
  }

  /**
   * What the engine holds for {@code p}, for the planner: network and volume names, the ids of
   * the images the services use (absent ones left out), the project's containers, and the
   * config hashes of the project's networks.
   */
  Observed observe(Project p) throws IOException {
    Set<String> networks = new HashSet<>();
    Map<String, String> networkHashes = new HashMap<>();
    try (var r = api.get("/networks")) {
      r.json().forEach(n -> {
        String name = n.path("Name").asText();
        networks.add(name);
        JsonNode labels = n.path("Labels");
        if (labels.path(ContainerBodies.PROJECT).asText().equals(p.name()) && labels.has(ContainerBodies.HASH)) {
          networkHashes.put(name, labels.path(ContainerBodies.HASH).asText());
        }
      });
    }
    Set<String> volumes = new HashSet<>();
    try (var r = api.get("/volumes")) {
      r.json().path("Volumes").forEach(v -> volumes.add(v.path("Name").asText()));
    }
    Map<String, String> images = new HashMap<>();
    for (String s : p.serviceNames()) {
      String image = ContainerBodies.image(p, s);
      if (!images.containsKey(image)) {
        try (var r = api.get("/images/" + URLEncoder.encode(image, StandardCharsets.UTF_8) + "/json")) {
          images.put(image, r.json().path("Id").asText());
        } catch (ApiException e) {
          if (e.status() != 404) {
            throw e;
          }
        }
      }
    }
    List<Observed.Existing> containers = new ArrayList<>();
    for (JsonNode c : containers(null, true, true)) {
      JsonNode l = c.path("Labels");
      containers.add(new Observed.Existing(c.path("Id").asText(), name(c), l.path(ContainerBodies.SERVICE).asText(),
          number(c), l.path(ContainerBodies.HASH).asText(), l.path(ContainerBodies.IMAGE).asText(null),
          c.path("State").asText().equals("running"), l.path(ContainerBodies.ONEOFF).asText("False").equals("True")));
    }
    return new Observed(networks, volumes, images, containers, networkHashes);
  }

  List<JsonNode> networks() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (var r = api.get("/networks?filters=" + filter(ContainerBodies.PROJECT + "=" + project))) {
      r.json().forEach(out::add);
    }
    return out;
  }

  List<JsonNode> volumes() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (var r = api.get("/volumes?filters=" + filter(ContainerBodies.PROJECT + "=" + project))) {
      r.json().path("Volumes").forEach(v -> {
        if (v.path("Labels").path(ContainerBodies.PROJECT).asText().equals(project)) {
          out.add(v); // filter again: a daemon may ignore volume label filters
        }
      });
    }
    return out;
  }
}
