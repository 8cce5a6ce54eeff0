package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.commands.Base;
import io.berth.cli.format.Units;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Tasks as docker's task formatter shows them ({@code service ps}, {@code node ps}): named
 * {@code SERVICE.SLOT} (global tasks {@code SERVICE.NODEID}), sorted by name in natural order
 * with the newest first, older tasks of a slot indented {@code " \_ "} in tables; the current
 * state as {@code "Running 5 seconds ago"}; errors quoted and cut to 30 characters.
 */
final class TaskTable {
  static final String DEFAULT = "table {{.ID}}\t{{.Name}}\t{{.Image}}\t{{.Node}}\t{{.DesiredState}}\t{{.CurrentState}}\t{{.Error}}\t{{.Ports}}";
  static final Map<String, String> HEADERS = Map.of("ID", "ID", "Name", "NAME", "Image", "IMAGE", "Node", "NODE",
      "DesiredState", "DESIRED STATE", "CurrentState", "CURRENT STATE", "Error", "ERROR", "Ports", "PORTS");
  private static final int MAX_ERROR = 30;

  private TaskTable() {}

  /** The formatter's rows for {@code tasks}; {@code table} says whether repeated names are indented. */
  static List<JsonNode> views(List<JsonNode> tasks, Names names, boolean trunc, boolean table, Instant now) throws IOException {
    List<Named> named = new ArrayList<>();
    for (JsonNode t : tasks) {
      String service = names.service(t.path("ServiceID").asText());
      int slot = t.path("Slot").asInt();
      named.add(new Named(t, service + "." + (slot != 0 ? Integer.toString(slot) : t.path("NodeID").asText())));
    }
    named.sort(Comparator.comparing(Named::name, NaturalOrder.INSTANCE)
        .thenComparing(n -> n.task().path("CreatedAt").asText(), Comparator.reverseOrder()));
    List<JsonNode> rows = new ArrayList<>();
    String previous = null;
    for (Named n : named) {
      String shown = table && n.name().equals(previous) ? " \\_ " + n.name() : n.name();
      previous = n.name();
      rows.add(view(n.task(), shown, names.node(n.task().path("NodeID").asText()), trunc, now));
    }
    return rows;
  }

  private record Named(JsonNode task, String name) {}

  static ObjectNode view(JsonNode t, String name, String node, boolean trunc, Instant now) {
    ObjectNode v = Base.obj();
    String id = t.path("ID").asText();
    v.put("ID", trunc ? Base.shortId(id) : id);
    v.put("Name", name);
    String image = t.path("Spec").path("ContainerSpec").path("Image").asText();
    v.put("Image", trunc ? Images.withoutDigest(image) : image);
    v.put("Node", node);
    v.put("DesiredState", capitalized(t.path("DesiredState").asText()));
    JsonNode status = t.path("Status");
    v.put("CurrentState", capitalized(status.path("State").asText()) + " "
        + Units.duration(Duration.between(timestamp(status.path("Timestamp").asText()), now)).toLowerCase(Locale.ROOT) + " ago");
    String err = status.path("Err").asText();
    if (trunc && err.codePointCount(0, err.length()) > MAX_ERROR) {
      err = err.substring(0, err.offsetByCodePoints(0, MAX_ERROR - 1)) + "…";
    }
    v.put("Error", err.isEmpty() ? "" : "\"" + err + "\"");
    List<String> ports = new ArrayList<>();
    for (JsonNode p : status.path("PortStatus").path("Ports")) {
      ports.add("*:" + p.path("PublishedPort").asInt() + "->" + p.path("TargetPort").asInt() + "/" + p.path("Protocol").asText());
    }
    v.put("Ports", String.join(",", ports));
    return v;
  }

  /** Go's zero time when the daemon sent none, so such a task reads as long ago rather than failing. */
  private static Instant timestamp(String s) {
    try {
      return s.isEmpty() ? Instant.EPOCH : Instant.parse(s);
    } catch (DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }

  static String capitalized(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
