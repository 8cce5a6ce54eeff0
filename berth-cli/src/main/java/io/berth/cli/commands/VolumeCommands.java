package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.format.Units;
import io.berth.cli.session.Cli;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code volume create|ls|inspect|rm|prune}, as docker's. */
public final class VolumeCommands {
  private static final Map<String, String> HEADERS = Map.of("Name", "VOLUME NAME", "Driver", "DRIVER",
      "Scope", "SCOPE", "Mountpoint", "MOUNTPOINT", "Labels", "LABELS", "CreatedAt", "CREATED AT");

  private VolumeCommands() {}

  public static void register(CommandLine root, Cli cli) {
    CommandLine group = new CommandLine(new SystemCommands.Group());
    group.getCommandSpec().name("volume");
    group.getCommandSpec().usageMessage().description("Manage volumes");
    Base.add(group, "create", new Create(cli));
    Base.add(group, "ls", new Ls(cli), "list");
    Base.add(group, "inspect", new ContainerCommands.Inspect(cli, "volume"));
    Base.add(group, "rm", new Rm(cli), "remove");
    Base.add(group, "prune", new Prune(cli));
    root.addSubcommand("volume", group);
  }

  @Command(name = "create", description = "Create a volume", mixinStandardHelpOptions = true)
  static final class Create extends Base {
    @Option(names = {"-d", "--driver"}, description = "Specify volume driver name (default \"local\")") String driver = "local";
    @Option(names = "--label", description = "Set metadata for a volume") List<String> labels = new ArrayList<>();
    @Option(names = {"-o", "--opt"}, description = "Set driver specific options: type, device, o (e.g. -o type=tmpfs -o device=tmpfs -o o=size=64m)")
    List<String> opts = new ArrayList<>();
    @Option(names = "--name", description = "Specify volume name") String nameFlag;
    @Parameters(arity = "0..1", paramLabel = "VOLUME") String name;

    Create(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      if (name != null && nameFlag != null && !name.equals(nameFlag)) {
        throw new IllegalArgumentException("conflicting options: either specify --name or provide positional arg, not both");
      }
      String n = name != null ? name : nameFlag != null ? nameFlag : "";
      ObjectNode b = obj().put("Name", n).put("Driver", driver);
      ObjectNode o = b.putObject("DriverOpts");
      for (String kv : opts) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("invalid argument \"" + kv + "\" for \"-o, --opt\" flag: "
              + "expected KEY=VALUE (type, device or o)");
        }
        o.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
      ObjectNode l = b.putObject("Labels");
      for (String kv : labels) {
        int eq = kv.indexOf('=');
        l.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
      }
      cli.out.println(api().post("/volumes/create", b).json().path("Name").asText());
      return 0;
    }
  }

  @Command(name = "ls", description = "List volumes", mixinStandardHelpOptions = true)
  static final class Ls extends Base {
    @Option(names = {"-q", "--quiet"}, description = "Only display volume names") boolean quiet;
    @Option(names = "--format", description = "Format output using a Go template (or table, json)") String format;
    @Option(names = {"-f", "--filter"}, description = "Provide filter values (dangling=true, name=..., label=..., driver=local)")
    List<String> filters = new ArrayList<>();

    Ls(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      List<JsonNode> rows = new ArrayList<>();
      String q = filters.isEmpty() ? "" : "?filters=" + enc(Filters.json(filters));
      api().get("/volumes" + q).json().path("Volumes").forEach(rows::add);
      rows.sort((a, b) -> a.path("Name").asText().compareTo(b.path("Name").asText()));
      String f = format != null && format.equals("table") ? null : format;
      print(rows, f, "table {{.Driver}}\t{{.Name}}", Ls::view, quiet, v -> v.path("Name").asText(), HEADERS);
      return 0;
    }

    /** docker's volume formatter fields: Labels as one k=v,k=v string, Links and Size N/A. */
    static JsonNode view(JsonNode v) {
      ObjectNode o = obj();
      o.put("Name", v.path("Name").asText());
      o.put("Driver", v.path("Driver").asText());
      o.put("Scope", v.path("Scope").asText());
      o.put("Mountpoint", v.path("Mountpoint").asText());
      o.put("CreatedAt", v.path("CreatedAt").asText());
      StringBuilder labels = new StringBuilder();
      v.path("Labels").fields().forEachRemaining(e ->
          labels.append(labels.isEmpty() ? "" : ",").append(e.getKey()).append('=').append(e.getValue().asText()));
      o.put("Labels", labels.toString());
      o.put("Links", "N/A");
      o.put("Size", "N/A");
      return o;
    }
  }

  @Command(name = "rm", description = "Remove one or more volumes", mixinStandardHelpOptions = true)
  static final class Rm extends ContainerCommands.PerContainer {
    @Option(names = {"-f", "--force"}, description = "Force the removal of one or more volumes") boolean force;

    Rm(Cli cli) {
      super(cli);
    }

    @Override
    void apply(String v) throws Exception {
      api().delete("/volumes/" + enc(v) + (force ? "?force=1" : "")).close();
    }
  }

  @Command(name = "prune", description = "Remove unused local volumes", mixinStandardHelpOptions = true)
  static final class Prune extends Base {
    @Option(names = {"-a", "--all"}, description = "Remove all unused volumes, not just anonymous ones") boolean all;
    @Option(names = "--filter", description = "Provide filter values (e.g. \"label=<label>\")") List<String> filters = new ArrayList<>();
    @Option(names = {"-f", "--force"}, description = "Do not prompt for confirmation") boolean force;

    Prune(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      List<String> f = new ArrayList<>(filters);
      if (all) {
        if (f.stream().anyMatch(x -> x.startsWith("all="))) {
          throw new IllegalArgumentException("conflicting options: cannot specify both --all and --filter all=1");
        }
        f.add("all=true");
      }
      String warning = all || f.contains("all=true") || f.contains("all=1")
          ? "WARNING! This will remove all local volumes not used by at least one container."
          : "WARNING! This will remove anonymous local volumes not used by at least one container.";
      if (!force && !Prompt.confirm(cli, warning)) {
        return 0;
      }
      String q = f.isEmpty() ? "" : "?filters=" + enc(Filters.json(f));
      JsonNode r = api().post("/volumes/prune" + q, null).json();
      if (!r.path("VolumesDeleted").isEmpty()) {
        cli.out.println("Deleted Volumes:");
        r.path("VolumesDeleted").forEach(v -> cli.out.println(v.asText()));
        cli.out.println();
      }
      cli.out.println("Total reclaimed space: " + Units.size(r.path("SpaceReclaimed").asLong()));
      return 0;
    }
  }
}
