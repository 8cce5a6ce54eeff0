package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.format.Template;
import io.berth.cli.format.Timestamps;
import io.berth.cli.format.Units;
import io.berth.cli.session.Cli;
import io.berth.client.ApiClient;
import io.berth.client.ApiException;
import io.berth.http.StreamFrames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Container verbs other than run/create, also reachable as {@code berth container <verb>}. */
public final class ContainerCommands {
  private ContainerCommands() {}

  public static void register(CommandLine root, Cli cli) {
    CommandLine group = new CommandLine(new SystemCommands.Group());
    group.getCommandSpec().name("container");
    for (CommandLine target : List.of(root, group)) {
      Base.add(target, target == root ? "ps" : "ls", new Ps(cli));
      Base.add(target, "start", new Start(cli));
      Base.add(target, "stop", new Stop(cli, false));
      if (cli.builds(Base.topLevelName(target, "restart"))) {
        CommandLine restart = new CommandLine(new Stop(cli, true));
        restart.getCommandSpec().name("restart");
        restart.getCommandSpec().usageMessage().description("Restart one or more containers");
        target.addSubcommand("restart", restart);
      }
      Base.add(target, "kill", new Kill(cli));
      Base.add(target, "rm", new Rm(cli));
      Base.add(target, "wait", new Wait(cli));
      Base.add(target, "logs", new Logs(cli));
      Base.add(target, "top", new Top(cli));
      Base.add(target, "exec", new ExecCommand(cli));
      Base.add(target, "rename", new Rename(cli));
      Base.add(target, "stats", new StatsCommand(cli));
      Base.add(target, "port", new Port(cli));
      Base.add(target, "pause", new Simple(cli, "pause"));
      Base.add(target, "unpause", new Simple(cli, "unpause"));
      Base.add(target, "attach", new Attach(cli));
      Base.add(target, "cp", new CopyCommand(cli));
      Base.add(target, "export", new ContainerFileCommands.Export(cli));
      Base.add(target, "diff", new ContainerFileCommands.Diff(cli));
      Base.add(target, "update", new ContainerFileCommands.Update(cli));
    }
    Base.add(root, "inspect", new Inspect(cli, null));
    Base.add(group, "inspect", new Inspect(cli, "container"));
    Base.add(group, "prune", new Prune(cli));
    root.addSubcommand("container", group);
  }

  /** Docker's ps/formatter view of a container list entry. */
  static JsonNode psView(JsonNode c, boolean noTrunc) {
    ObjectNode v = Base.obj();
    v.put("ID", noTrunc ? c.path("Id").asText() : Base.shortId(c.path("Id").asText()));
    v.put("Image", c.path("Image").asText());
    String cmd = c.path("Command").asText();
    v.put("Command", "\"" + (noTrunc || cmd.length() <= 20 ? cmd : cmd.substring(0, 19) + "…") + "\"");
    Instant created = Instant.ofEpochSecond(c.path("Created").asLong());
    v.put("CreatedAt", created.toString());
    v.put("RunningFor", Units.duration(Duration.between(created, Instant.now())) + " ago");
    v.put("Status", c.path("Status").asText());
    v.put("State", c.path("State").asText());
    List<String> ports = new ArrayList<>();
    for (JsonNode p : c.path("Ports")) {
      if (p.has("PublicPort")) {
        ports.add(p.path("IP").asText("0.0.0.0") + ":" + p.path("PublicPort").asInt() + "->"
            + p.path("PrivatePort").asInt() + "/" + p.path("Type").asText());
      } else {
        ports.add(p.path("PrivatePort").asInt() + "/" + p.path("Type").asText());
      }
    }
    v.put("Ports", String.join(", ", ports));
    List<String> names = new ArrayList<>();
    c.path("Names").forEach(n -> names.add(n.asText().replaceFirst("^/", "")));
    v.put("Names", String.join(",", names));
    List<String> labels = new ArrayList<>();
    c.path("Labels").fields().forEachRemaining(e -> labels.add(e.getKey() + "=" + e.getValue().asText()));
    v.put("Labels", String.join(",", labels));
    String size = Units.size(c.path("SizeRw").asLong(), 3);
    if (c.has("SizeRootFs")) {
      size += " (virtual " + Units.size(c.path("SizeRootFs").asLong(), 3) + ")";
    }
    v.put("Size", size);
    v.put("Networks", String.join(",", iter(c.path("NetworkSettings").path("Networks").fieldNames())));
    return v;
  }

  static List<String> iter(java.util.Iterator<String> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  @Command(name = "ps", description = "List containers", mixinStandardHelpOptions = true)
  static final class Ps extends Base {
    @Option(names = {"-a", "--all"}, description = "Show all containers (default shows just running)") boolean all;
    @Option(names = {"-q", "--quiet"}, description = "Only display container IDs") boolean quiet;
    @Option(names = {"-s", "--size"}, description = "Display total file sizes") boolean size;
    @Option(names = "--no-trunc", description = "Don't truncate output") boolean noTrunc;
    @Option(names = {"-f", "--filter"}, description = "Filter output based on conditions provided") List<String> filters = new ArrayList<>();
    @Option(names = "--format", description = "Format output using a Go template or json") String format;
    @Option(names = {"-n", "--last"}, description = "Show n last created containers (includes all states)") Integer last;
    @Option(names = {"-l", "--latest"}, description = "Show the latest created container (includes all states)") boolean latest;

    Ps(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      Map<String, Object> q = new LinkedHashMap<>();
      if (all) {
        q.put("all", 1);
      }
      if (size) {
        q.put("size", 1);
      }
      if (latest) {
        q.put("limit", 1);
      } else if (last != null) {
        q.put("limit", last);
      }
      if (!filters.isEmpty()) {
        q.put("filters", Filters.json(filters));
      }
      List<JsonNode> list = new ArrayList<>();
      api().get("/containers/json" + ApiClient.query(q)).json().forEach(list::add);
      String dflt = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"
          + (size ? "\t{{.Size}}" : "");
      print(list, format, dflt, c -> psView(c, noTrunc), quiet,
          c -> noTrunc ? c.path("Id").asText() : shortId(c.path("Id").asText()), CONTAINER_HEADERS);
      return 0;
    }
  }

  /** Runs one POST per named container and prints the name, as docker does for start/stop/rm. */
  abstract static class PerContainer extends Base {
    @Parameters(paramLabel = "CONTAINER", arity = "1..*") List<String> containers;

    PerContainer(Cli cli) {
      super(cli);
    }

    abstract void apply(String c) throws Exception;

    @Override
    public Integer call() {
      int rc = 0;
      for (String c : containers) {
        try {
          apply(c);
          cli.out.println(c);
        } catch (io.berth.client.DaemonUnreachableException e) {
          throw new java.io.UncheckedIOException(e);
        } catch (Exception e) {
          cli.err.println("Error response from daemon: " + e.getMessage());
          rc = 1;
        }
      }
      return rc;
    }
  }

  @Command(name = "start", description = "Start one or more stopped containers", mixinStandardHelpOptions = true)
  static final class Start extends Base {
    @Option(names = {"-a", "--attach"}, description = "Attach STDOUT/STDERR and forward signals") boolean attach;
    @Option(names = {"-i", "--interactive"}, description = "Attach container's STDIN") boolean interactive;
    @Parameters(paramLabel = "CONTAINER", arity = "1..*") List<String> containers;

    Start(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      if (attach || interactive) {
        String id = containers.getFirst();
        JsonNode c = api().get("/containers/" + enc(id) + "/json").json();
        Attacher a = Attacher.open(cli, c.path("Id").asText(), interactive, c.path("Config").path("Tty").asBoolean());
        api().post("/containers/" + enc(id) + "/start", null).close();
        a.pump();
        return api().get("/containers/" + enc(id) + "/json").json().path("State").path("ExitCode").asInt();
      }
      int rc = 0;
      for (String c : containers) {
        try {
          api().post("/containers/" + enc(c) + "/start", null).close();
          cli.out.println(c);
        } catch (ApiException e) {
          cli.err.println("Error response from daemon: " + e.getMessage());
          rc = 1;
        }
      }
      return rc;
    }
  }

  @Command(name = "stop", description = "Stop one or more running containers", mixinStandardHelpOptions = true)
  static final class Stop extends PerContainer {
    @Option(names = {"-t", "--time", "--timeout"}, description = "Seconds to wait before killing the container") Integer time;
    @Option(names = {"-s", "--signal"}, description = "Signal to send to the container") String signal;
    private final boolean restart;

    Stop(Cli cli, boolean restart) {
      super(cli);
      this.restart = restart;
    }

    @Override
    void apply(String c) throws Exception {
      Map<String, Object> q = new LinkedHashMap<>();
      q.put("t", time);
      q.put("signal", signal);
      api().post("/containers/" + enc(c) + (restart ? "/restart" : "/stop") + ApiClient.query(q), null).close();
    }
  }

  @Command(name = "kill", description = "Kill one or more running containers", mixinStandardHelpOptions = true)
  static final class Kill extends PerContainer {
    @Option(names = {"-s", "--signal"}, description = "Signal to send to the container") String signal;

    Kill(Cli cli) {
      super(cli);
    }

    @Override
    void apply(String c) throws Exception {
      api().post("/containers/" + enc(c) + "/kill" + ApiClient.query(Map.of("signal", signal == null ? "KILL" : signal)), null)
          .close();
    }
  }

  @Command(name = "rm", description = "Remove one or more containers", mixinStandardHelpOptions = true)
  static final class Rm extends PerContainer {
    @Option(names = {"-f", "--force"}, description = "Force the removal of a running container") boolean force;
    @Option(names = {"-v", "--volumes"}, description = "Remove anonymous volumes associated with the container") boolean volumes;

    Rm(Cli cli) {
      super(cli);
    }

    @Override
    void apply(String c) throws Exception {
      api().delete("/containers/" + enc(c) + "?force=" + force + "&v=" + volumes).close();
    }
  }

  @Command(name = "wait", description = "Block until containers stop, then print their exit codes", mixinStandardHelpOptions = true)
  static final class Wait extends Base {
    @Parameters(paramLabel = "CONTAINER", arity = "1..*") List<String> containers;

    Wait(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      for (String c : containers) {
        cli.out.println(api().post("/containers/" + enc(c) + "/wait", null).json().path("StatusCode").asInt());
      }
      return 0;
    }
  }

  @Command(name = "logs", description = "Fetch the logs of a container", mixinStandardHelpOptions = true)
  static final class Logs extends Base {
    @Option(names = {"-f", "--follow"}, description = "Follow log output") boolean follow;
    @Option(names = {"-n", "--tail"}, description = "Number of lines to show from the end of the logs") String tail;
    @Option(names = "--since", description = "Show logs since timestamp or relative (e.g. 42m)") String since;
    @Option(names = "--until", description = "Show logs before a timestamp or relative") String until;
    @Option(names = {"-t", "--timestamps"}, description = "Show timestamps") boolean timestamps;
    @Parameters(index = "0", paramLabel = "CONTAINER") String container;

    Logs(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      boolean tty = api().get("/containers/" + enc(container) + "/json").json().path("Config").path("Tty").asBoolean();
      Map<String, Object> q = new LinkedHashMap<>();
      q.put("stdout", 1);
      q.put("stderr", 1);
      q.put("follow", follow ? 1 : null);
      q.put("tail", tail);
      q.put("since", since == null ? null : Timestamps.toApi(since, Instant.now(), java.time.ZoneId.systemDefault()));
      q.put("until", until == null ? null : Timestamps.toApi(until, Instant.now(), java.time.ZoneId.systemDefault()));
      q.put("timestamps", timestamps ? 1 : null);
      try (var r = api().get("/containers/" + enc(container) + "/logs" + ApiClient.query(q))) {
        StreamFrames.demux(r.body(), cli.out, cli.err, tty);
      }
      return 0;
    }
  }

  @Command(name = "inspect", description = "Return low-level information on Berth objects", mixinStandardHelpOptions = true)
  static final class Inspect extends Base {
    @Option(names = {"-f", "--format"}, description = "Format output using a Go template") String format;
    @Option(names = "--type", description = "Only inspect objects of the given type (container, image, volume)") String type;
    @Option(names = {"-s", "--size"}, description = "Display total file sizes") boolean size;
    @Parameters(paramLabel = "NAME|ID", arity = "1..*") List<String> names;
    private final String fixedType;

    Inspect(Cli cli, String fixedType) {
      super(cli);
      this.fixedType = fixedType;
    }

    @Override
    public Integer call() throws Exception {
      String t = fixedType != null ? fixedType : type;
      List<JsonNode> found = new ArrayList<>();
      int rc = 0;
      for (String n : names) {
        JsonNode obj = null;
        for (String kind : t == null ? List.of("container", "image", "volume", "network") : List.of(t)) {
          String path = switch (kind) {
            case "container" -> "/containers/" + enc(n) + "/json" + (size ? "?size=1" : "");
            case "image" -> "/images/" + n + "/json";
            case "volume" -> "/volumes/" + enc(n);
            case "network" -> "/networks/" + enc(n);
            default -> throw new IllegalArgumentException("\"" + kind + "\" is not a valid value for --type");
          };
          try {
            obj = api().get(path).json();
            break;
          } catch (ApiException e) {
            if (e.status() != 404) {
              throw e;
            }
          }
        }
        if (obj == null) {
          cli.err.println("Error: No such object: " + n);
          rc = 1;
        } else {
          found.add(obj);
        }
      }
      if (format != null && !format.equals("json")) {
        Template tpl = new Template(format);
        found.forEach(o -> cli.out.println(tpl.render(o)));
      } else {
        cli.out.println(io.berth.cli.format.GoJson.indent(JSON.valueToTree(found)));
      }
      return rc;
    }
  }

  @Command(name = "top", description = "Display the running processes of a container", mixinStandardHelpOptions = true)
  static final class Top extends Base {
    @Parameters(index = "0", paramLabel = "CONTAINER") String container;
    @Parameters(index = "1..*", paramLabel = "PS OPTIONS") List<String> psArgs = new ArrayList<>();

    Top(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      String q = psArgs.isEmpty() ? "" : "?ps_args=" + enc(String.join(" ", psArgs));
      JsonNode t = api().get("/containers/" + enc(container) + "/top" + q).json();
      io.berth.cli.format.Table table = new io.berth.cli.format.Table();
      List<String> titles = new ArrayList<>();
      t.path("Titles").forEach(x -> titles.add(x.asText()));
      table.row(String.join("\t", titles));
      for (JsonNode p : t.path("Processes")) {
        List<String> cols = new ArrayList<>();
        p.forEach(x -> cols.add(x.asText()));
        table.row(String.join("\t", cols));
      }
      table.print(cli.out);
      return 0;
    }
  }

  @Command(name = "rename", description = "Rename a container", mixinStandardHelpOptions = true)
  static final class Rename extends Base {
    @Parameters(index = "0", paramLabel = "CONTAINER") String container;
    @Parameters(index = "1", paramLabel = "NEW_NAME") String newName;

    Rename(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      api().post("/containers/" + enc(container) + "/rename?name=" + enc(newName), null).close();
      return 0;
    }
  }

  @Command(name = "port", description = "List port mappings or a specific mapping for the container", mixinStandardHelpOptions = true)
  static final class Port extends Base {
    @Parameters(index = "0", paramLabel = "CONTAINER") String container;
    @Parameters(index = "1", arity = "0..1", paramLabel = "PRIVATE_PORT[/PROTO]") String port;

    Port(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      JsonNode ports = api().get("/containers/" + enc(container) + "/json").json().path("NetworkSettings").path("Ports");
      var it = ports.fields();
      while (it.hasNext()) {
        var e = it.next();
        if (port != null && !e.getKey().equals(port.contains("/") ? port : port + "/tcp")) {
          continue;
        }
        for (JsonNode b : e.getValue()) {
          String addr = b.path("HostIp").asText() + ":" + b.path("HostPort").asText();
          cli.out.println(port != null ? addr : e.getKey() + " -> " + addr);
        }
      }
      return 0;
    }
  }

  @Command(name = "simple", mixinStandardHelpOptions = true, description = "Pause or unpause all processes within one or more containers")
  static final class Simple extends PerContainer {
    private final String verb;

    Simple(Cli cli, String verb) {
      super(cli);
      this.verb = verb;
    }

    @Override
    void apply(String c) throws Exception {
      api().post("/containers/" + enc(c) + "/" + verb, null).close();
    }
  }

  @Command(name = "attach", description = "Attach local standard input, output, and error streams to a running container", mixinStandardHelpOptions = true)
  static final class Attach extends Base {
    @Option(names = "--no-stdin", description = "Do not attach STDIN") boolean noStdin;
    @Parameters(index = "0", paramLabel = "CONTAINER") String container;

    Attach(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      JsonNode c = api().get("/containers/" + enc(container) + "/json").json();
      boolean stdin = !noStdin && c.path("Config").path("OpenStdin").asBoolean();
      Attacher.open(cli, c.path("Id").asText(), stdin, c.path("Config").path("Tty").asBoolean()).pump();
      return api().get("/containers/" + enc(container) + "/json").json().path("State").path("ExitCode").asInt();
    }
  }

  @Command(name = "prune", description = "Remove all stopped containers", mixinStandardHelpOptions = true)
  static final class Prune extends Base {
    @Option(names = {"-f", "--force"}, description = "Do not prompt for confirmation") boolean force;

    Prune(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      if (!force && !Prompt.confirm(cli, "WARNING! This will remove all stopped containers.")) {
        return 0;
      }
      JsonNode r = api().post("/containers/prune", null).json();
      if (!r.path("ContainersDeleted").isEmpty()) {
        cli.out.println("Deleted Containers:");
        r.path("ContainersDeleted").forEach(id -> cli.out.println(id.asText()));
        cli.out.println();
      }
      cli.out.println("Total reclaimed space: " + Units.size(r.path("SpaceReclaimed").asLong()));
      return 0;
    }
  }

}
