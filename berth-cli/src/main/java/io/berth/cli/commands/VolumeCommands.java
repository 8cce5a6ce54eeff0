package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.Cli;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code volume create|ls|inspect|rm|prune}. */
public final class VolumeCommands {
  private VolumeCommands() {}

  public static void register(CommandLine root, Cli cli) {
    CommandLine group = new CommandLine(new SystemCommands.Group());
    group.getCommandSpec().name("volume");
    Base.add(group, "create", new Create(cli));
    Base.add(group, "ls", new Ls(cli));
    Base.add(group, "inspect", new ContainerCommands.Inspect(cli, "volume"));
    Base.add(group, "rm", new Rm(cli));
    Base.add(group, "prune", new Prune(cli));
    root.addSubcommand("volume", group);
  }

  @Command(name = "create", description = "Create a volume", mixinStandardHelpOptions = true)
  static final class Create extends Base {
    @Option(names = {"-l", "--label"}, description = "Set metadata for a volume") List<String> labels = new ArrayList<>();
    @Parameters(arity = "0..1", paramLabel = "VOLUME") String name;

    Create(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      ObjectNode b = obj().put("Name", name == null ? "" : name).put("Driver", "local");
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
    @Option(names = "--format", description = "Format output using a Go template") String format;

    Ls(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      List<JsonNode> rows = new ArrayList<>();
      api().get("/volumes").json().path("Volumes").forEach(rows::add);
      print(rows, format, "table {{.Driver}}\t{{.Name}}", v -> v, quiet, v -> v.path("Name").asText(), VOLUME_HEADERS);
      return 0;
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
    @Option(names = {"-f", "--force"}, description = "Do not prompt for confirmation") boolean force;

    Prune(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      JsonNode r = api().post("/volumes/prune" + (all ? "?filters=" + enc("{\"all\":[\"true\"]}") : ""), null).json();
      cli.out.println("Deleted Volumes:");
      r.path("VolumesDeleted").forEach(v -> cli.out.println(v.asText()));
      return 0;
    }
  }
}
