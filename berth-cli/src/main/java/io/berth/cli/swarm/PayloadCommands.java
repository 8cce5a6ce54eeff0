package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.commands.Base;
import io.berth.cli.commands.Filters;
import io.berth.cli.commands.SystemCommands;
import io.berth.cli.format.Units;
import io.berth.cli.session.Cli;
import io.berth.client.ApiClient;
import io.berth.client.ApiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code secret create|ls|inspect|rm} and {@code config create|ls|inspect|rm}, as docker's: the
 * payload from a file or stdin ({@code -}), labels, docker's tables and {@code --format} fields,
 * lists sorted by name. The two differ in their API path, their word and the secret's DRIVER column.
 */
public final class PayloadCommands {
  /** One of the two object types. */
  record Kind(String word, String path, String defaultTable, Map<String, String> headers) {}

  static final Kind SECRET = new Kind("secret", "/secrets",
      "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.CreatedAt}}\t{{.UpdatedAt}}",
      Map.of("ID", "ID", "Name", "NAME", "Driver", "DRIVER", "CreatedAt", "CREATED", "UpdatedAt", "UPDATED",
          "Labels", "LABELS"));
  static final Kind CONFIG = new Kind("config", "/configs",
      "table {{.ID}}\t{{.Name}}\t{{.CreatedAt}}\t{{.UpdatedAt}}",
      Map.of("ID", "ID", "Name", "NAME", "CreatedAt", "CREATED", "UpdatedAt", "UPDATED", "Labels", "LABELS"));

  private PayloadCommands() {}

  public static void register(CommandLine root, Cli cli) {
    group(root, cli, SECRET, "Manage Swarm secrets", true);
    group(root, cli, CONFIG, "Manage Swarm configs", false);
  }

  private static void group(CommandLine root, Cli cli, Kind kind, String description, boolean driver) {
    if (!cli.builds(kind.word())) {
      return;
    }
    CommandLine group = new CommandLine(new SystemCommands.Group());
    group.getCommandSpec().name(kind.word());
    group.getCommandSpec().usageMessage().description(description);
    Base.add(group, "create", driver ? new CreateSecret(cli) : new Create(cli, kind));
    Base.add(group, "ls", new Ls(cli, kind), "list");
    Base.add(group, "inspect", new Inspect(cli, kind));
    Base.add(group, "rm", new Rm(cli, kind), "remove");
    group.getSubcommands().get("create").getCommandSpec().usageMessage()
        .description("Create a " + kind.word() + " from a file or STDIN as content");
    group.getSubcommands().get("ls").getCommandSpec().usageMessage().description("List " + kind.word() + "s");
    group.getSubcommands().get("inspect").getCommandSpec().usageMessage()
        .description("Display detailed information on one or more " + kind.word() + "s");
    group.getSubcommands().get("rm").getCommandSpec().usageMessage()
        .description("Remove one or more " + kind.word() + "s");
    root.addSubcommand(kind.word(), group);
  }

  /** docker's formatter fields: times as "N units ago", labels as k=v joined by commas. */
  static ObjectNode view(JsonNode p) {
    ObjectNode v = Base.obj();
    v.put("ID", p.path("ID").asText());
    v.put("Name", p.path("Spec").path("Name").asText());
    v.put("Driver", p.path("Spec").path("Driver").path("Name").asText());
    Instant now = Instant.now();
    v.put("CreatedAt", ago(p.path("CreatedAt").asText(), now));
    v.put("UpdatedAt", ago(p.path("UpdatedAt").asText(), now));
    Map<String, String> labels = new TreeMap<>();
    p.path("Spec").path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    v.put("Labels", labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(",")));
    return v;
  }

  private static String ago(String time, Instant now) {
    return time.isEmpty() ? "" : Units.duration(Duration.between(Instant.parse(time), now)) + " ago";
  }

  @Command(name = "create", mixinStandardHelpOptions = true)
  static class Create extends Base {
    private final Kind kind;
    @Option(names = {"-l", "--label"}, paramLabel = "list", description = "Labels") List<String> labels = new ArrayList<>();
    @Option(names = "--template-driver", paramLabel = "string", description = "Template driver") String templateDriver;
    @Parameters(index = "0", paramLabel = "NAME") String name;
    @Parameters(index = "1", paramLabel = "file|-", description = "The file with the content, - for STDIN") String file;

    Create(Cli cli, Kind kind) {
      super(cli);
      this.kind = kind;
    }

    /** Docker's SecretSpec/ConfigSpec: Data as base64; a driver the daemon refuses by name. */
    ObjectNode spec() throws java.io.IOException {
      byte[] data = file.equals("-") ? cli.in.readAllBytes() : Files.readAllBytes(Path.of(file));
      ObjectNode spec = Base.obj();
      spec.put("Name", name);
      spec.set("Labels", ServiceCreate.keyValues(labels));
      spec.put("Data", Base64.getEncoder().encodeToString(data));
      if (templateDriver != null && !templateDriver.isEmpty()) {
        spec.putObject("Templating").put("Name", templateDriver);
      }
      return spec;
    }

    @Override
    public Integer call() throws Exception {
      try (ApiClient.Response r = api().post(kind.path() + "/create", spec())) {
        cli.out.println(r.json().path("ID").asText());
      }
      return 0;
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true)
  static final class CreateSecret extends Create {
    @Option(names = {"-d", "--driver"}, paramLabel = "string", description = "Secret driver") String driver;

    CreateSecret(Cli cli) {
      super(cli, SECRET);
    }

    @Override
    ObjectNode spec() throws java.io.IOException {
      ObjectNode spec = super.spec();
      if (driver != null && !driver.isEmpty()) {
        spec.putObject("Driver").put("Name", driver);
      }
      return spec;
    }
  }

  @Command(name = "ls", mixinStandardHelpOptions = true)
  static final class Ls extends Base {
    private final Kind kind;
    @Option(names = {"-q", "--quiet"}, description = "Only display IDs") boolean quiet;
    @Option(names = "--format", paramLabel = "string", description = "Format output using a custom template ('table', 'json' or a Go template)")
    String format;
    @Option(names = {"-f", "--filter"}, paramLabel = "filter", description = "Filter output based on conditions provided")
    List<String> filters = new ArrayList<>();

    Ls(Cli cli, Kind kind) {
      super(cli);
      this.kind = kind;
    }

    @Override
    public Integer call() throws Exception {
      List<JsonNode> rows = new ArrayList<>();
      try (ApiClient.Response r = api().get(kind.path() + (filters.isEmpty() ? "" : "?filters=" + enc(Filters.json(filters))))) {
        r.json().forEach(rows::add);
      }
      rows.sort(Comparator.comparing((JsonNode p) -> p.path("Spec").path("Name").asText(), NaturalOrder.INSTANCE));
      print(rows, "table".equals(format) ? null : format, kind.defaultTable(), PayloadCommands::view, quiet,
          p -> p.path("ID").asText(), kind.headers());
      return 0;
    }
  }

  @Command(name = "inspect", mixinStandardHelpOptions = true)
  static final class Inspect extends Base {
    private final Kind kind;
    @Option(names = {"-f", "--format"}, paramLabel = "string", description = "Format output using the given Go template")
    String format;
    @Parameters(arity = "1..*", paramLabel = "NAME") List<String> names;

    Inspect(Cli cli, Kind kind) {
      super(cli);
      this.kind = kind;
    }

    @Override
    public Integer call() throws Exception {
      List<JsonNode> found = new ArrayList<>();
      List<String> errors = new ArrayList<>();
      for (String n : names) {
        try (ApiClient.Response r = api().get(kind.path() + "/" + enc(n))) {
          found.add(r.json());
        } catch (ApiException e) {
          errors.add("Error response from daemon: " + e.getMessage());
        }
      }
      if (format != null && !format.equals("json")) {
        io.berth.cli.format.Template t = new io.berth.cli.format.Template(format);
        found.forEach(o -> cli.out.println(t.render(o)));
      } else {
        cli.out.println(io.berth.cli.format.GoJson.indent(Base.JSON.valueToTree(found)));
      }
      errors.forEach(cli.err::println);
      return errors.isEmpty() ? 0 : 1;
    }
  }

  @Command(name = "rm", mixinStandardHelpOptions = true)
  static final class Rm extends Base {
    private final Kind kind;
    @Parameters(arity = "1..*", paramLabel = "NAME") List<String> names;

    Rm(Cli cli, Kind kind) {
      super(cli);
      this.kind = kind;
    }

    @Override
    public Integer call() throws Exception {
      int rc = 0;
      for (String n : names) {
        try {
          api().delete(kind.path() + "/" + enc(n)).close();
          cli.out.println(n);
        } catch (ApiException e) {
          cli.err.println("Error response from daemon: " + e.getMessage());
          rc = 1;
        }
      }
      return rc;
    }
  }
}
