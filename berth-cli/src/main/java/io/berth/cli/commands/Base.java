package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.format.Table;
import io.berth.cli.format.Template;
import io.berth.cli.session.Cli;
import io.berth.cli.session.RootCommand;
import io.berth.client.ApiClient;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;

/** Shared plumbing of commands: the client, JSON, and docker's table/--format printing. */
public abstract class Base implements Callable<Integer> {
  public static final ObjectMapper JSON = ApiClient.mapper();
  protected final Cli cli;

  protected Base(Cli cli) {
    this.cli = cli;
  }

  protected ApiClient api() {
    return cli.client();
  }

  public static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Prints rows with {@code format} (a Go template, "table ..." or "json"), or {@code dflt}
   * when no format was given; {@code view} maps an API object to docker's formatter fields.
   */
  protected void print(List<JsonNode> items, String format, String dflt, Function<JsonNode, JsonNode> view,
      boolean quiet, Function<JsonNode, String> quietField) throws IOException {
    print(items, format, dflt, view, quiet, quietField, Map.of());
  }

  /** As above, with docker's column titles for this object type's fields. */
  protected void print(List<JsonNode> items, String format, String dflt, Function<JsonNode, JsonNode> view,
      boolean quiet, Function<JsonNode, String> quietField, Map<String, String> headers) throws IOException {
    if (quiet) {
      items.forEach(i -> cli.out.println(quietField.apply(i)));
      return;
    }
    String f = format == null || format.isEmpty() ? dflt : format;
    if (f.equals("json")) {
      for (JsonNode i : items) {
        cli.out.println(JSON.writeValueAsString(view.apply(i)));
      }
      return;
    }
    Template t = new Template(f);
    if (t.isTable()) {
      Table table = new Table();
      table.row(t.header(headers));
      items.forEach(i -> table.row(t.render(view.apply(i))));
      table.print(cli.out);
    } else {
      items.forEach(i -> cli.out.println(t.render(view.apply(i))));
    }
  }

  /** Column titles of docker's formatters, per object type. */
  static final Map<String, String> CONTAINER_HEADERS = Map.ofEntries(Map.entry("ID", "CONTAINER ID"),
      Map.entry("RunningFor", "CREATED"), Map.entry("CreatedAt", "CREATED AT"), Map.entry("Names", "NAMES"),
      Map.entry("LocalVolumes", "LOCAL VOLUMES"));
  static final Map<String, String> IMAGE_HEADERS = Map.of("ID", "IMAGE ID", "CreatedSince", "CREATED",
      "CreatedAt", "CREATED AT", "Repository", "REPOSITORY", "Digest", "DIGEST");
  static final Map<String, String> HISTORY_HEADERS = Map.of("ID", "IMAGE", "CreatedSince", "CREATED",
      "CreatedAt", "CREATED AT", "CreatedBy", "CREATED BY");
  static final Map<String, String> STATS_HEADERS = Map.of("ID", "CONTAINER ID", "Container", "CONTAINER",
      "CPUPerc", "CPU %", "MemUsage", "MEM USAGE / LIMIT", "MemPerc", "MEM %", "NetIO", "NET I/O",
      "BlockIO", "BLOCK I/O", "PIDs", "PIDS");
  static final Map<String, String> VOLUME_HEADERS = Map.of("Name", "VOLUME NAME");

  public static ObjectNode obj() {
    return JSON.createObjectNode();
  }

  public static String shortId(String id) {
    String s = id.startsWith("sha256:") ? id.substring(7) : id;
    return s.length() > 12 ? s.substring(0, 12) : s;
  }

  public static void add(CommandLine parent, String name, Object command, String... aliases) {
    String top = topLevelName(parent, name);
    if (command instanceof Base b && !b.cli.builds(top, top.equals(name) ? aliases : new String[0])) {
      return;
    }
    CommandLine c = new CommandLine(command);
    parent.addSubcommand(name, c, aliases);
  }

  /** The top-level command that {@code name}, added under {@code parent}, belongs to. */
  static String topLevelName(CommandLine parent, String name) {
    String top = name;
    for (CommandLine c = parent; c != null && !(c.getCommand() instanceof RootCommand); c = c.getParent()) {
      top = c.getCommandName();
    }
    return top;
  }
}
