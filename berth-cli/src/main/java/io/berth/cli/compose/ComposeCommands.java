package io.berth.cli.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.format.Table;
import io.berth.cli.format.Template;
import io.berth.client.ApiClient;
import io.berth.compose.ComposeException;
import io.berth.compose.ContainerBodies;
import io.berth.compose.Planner;
import io.berth.compose.Project;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code compose} subcommands; each loads the project and acts through {@link ComposeEngine}. */
final class ComposeCommands {
  private ComposeCommands() {}

  static void register(CommandLine group, ComposeCommand parent) {
    for (Object c : List.of(new Up(parent), new Down(parent), new Ps(parent), new Logs(parent), new Config(parent),
        new Pull(parent), new Build(parent), new Lifecycle(parent, "start"), new Lifecycle(parent, "stop"),
        new Lifecycle(parent, "restart"), new Exec(parent), new Run(parent))) {
      CommandLine cl = new CommandLine(c);
      if (c instanceof Lifecycle l) {
        cl.getCommandSpec().name(l.verb);
        cl.getCommandSpec().usageMessage().description(
            Character.toUpperCase(l.verb.charAt(0)) + l.verb.substring(1) + " services");
      }
      group.addSubcommand(cl.getCommandName(), cl);
    }
    ProjectTools.register(group, parent);
    group.getSubcommands().get("exec").setStopAtPositional(true);
    group.getSubcommands().get("run").setStopAtPositional(true);
  }

  /** Shared: the parent's options and the project. */
  abstract static class Sub implements Callable<Integer> {
    final ComposeCommand parent;

    Sub(ComposeCommand parent) {
      this.parent = parent;
    }

    Project project() {
      return parent.project();
    }

    static List<String> check(Project p, List<String> services) {
      for (String s : services) {
        p.service(s); // "no such service: x"
      }
      return services;
    }
  }

  @Command(name = "up", description = "Create and start containers", mixinStandardHelpOptions = true)
  static final class Up extends Sub {
    @Option(names = {"-d", "--detach"}, description = "Detached mode: run containers in the background") boolean detach;
    @Option(names = "--build", description = "Build images before starting containers") boolean build;
    @Option(names = "--no-build", description = "Don't build an image, even if it's missing") boolean noBuild;
    @Option(names = "--force-recreate", description = "Recreate containers even if their configuration hasn't changed") boolean force;
    @Option(names = "--no-start", description = "Don't start the services after creating them") boolean noStart;
    @Option(names = "--remove-orphans", description = "Remove containers for services not defined in the Compose file") boolean orphans;
    @Option(names = "--scale", description = "Scale SERVICE to NUM instances (SERVICE=NUM)") List<String> scale = new ArrayList<>();
    @Option(names = "--no-deps", description = "Don't start linked services") boolean noDeps;
    @Option(names = "--wait", description = "Wait for services to be running|healthy. Implies detached mode") boolean await;
    @Option(names = "--wait-timeout", description = "Maximum duration in seconds to wait for the project to be running|healthy") Long waitTimeout;
    @Parameters(paramLabel = "SERVICE") List<String> services = new ArrayList<>();

    Up(ComposeCommand parent) {
      super(parent);
    }

    @Override
    public Integer call() throws Exception {
      Project p = project();
      Map<String, Integer> scales = new LinkedHashMap<>();
      for (String s : scale) {
        String[] kv = s.split("=", 2);
        try {
          scales.put(kv[0], Integer.parseInt(kv[1]));
        } catch (RuntimeException e) {
          throw new ComposeException("invalid --scale " + s + ": expected SERVICE=NUM");
        }
      }
      if (build && noBuild) {
        throw new ComposeException("--build and --no-build are incompatible");
      }
      Planner.BuildPolicy policy = build ? Planner.BuildPolicy.ALWAYS : noBuild ? Planner.BuildPolicy.NEVER
          : Planner.BuildPolicy.IF_MISSING;
      Planner.Options o = new Planner.Options(check(p, services), scales, noDeps, policy, force, !noStart, orphans, null);
      ComposeEngine e = new ComposeEngine(parent.cli, p);
      if (waitTimeout != null) {
        e.waitTimeout(waitTimeout);
      }
      new UpRunner(parent.cli, p, e, parent.dryRun).up(o);
      if (parent.dryRun || noStart) {
        return 0;
      }
      if (await) {
        e.waitReady(Planner.services(p, o));
        return 0;
      }
      if (detach) {
        return 0;
      }
      // attached, as docker compose: Ctrl+C stops the project's containers (they are kept)
      List<String> scope = Planner.services(p, o);
      Thread stop = new Thread(() -> {
        parent.cli.err.println("Gracefully stopping... (press Ctrl+C again to force)");
        try {
          List<JsonNode> cs = e.objects().containers(null, false, false).stream()
              .filter(c -> scope.contains(c.path("Labels").path(ContainerBodies.SERVICE).asText())).toList();
          e.byLevel(cs, true, c -> {
            String svc = c.path("Labels").path(ContainerBodies.SERVICE).asText();
            parent.cli.client().post("/containers/" + c.path("Id").asText() + "/stop?t=" + e.stopTimeout(svc, null), null).close();
            e.status("Container", ProjectObjects.name(c), "Stopped");
          });
        } catch (IOException | RuntimeException x) {
          parent.cli.err.println("stopping: " + x.getMessage());
        }
      });
      Runtime.getRuntime().addShutdownHook(stop);
      try {
        return new LogFollower(parent.cli, e.objects(), LogFollower.Options.followAll()).follow(services);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(stop);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running: Ctrl+C
        }
      }
    }
  }

  @Command(name = "down", description = "Stop and remove containers, networks", mixinStandardHelpOptions = true)
  static final class Down extends Sub {
    @Option(names = {"-v", "--volumes"}, description = "Remove named volumes declared in the volumes section and anonymous volumes") boolean volumes;
    @Option(names = "--remove-orphans", description = "Remove containers for services not defined in the Compose file") boolean orphans;
    @Option(names = {"-t", "--timeout"}, description = "Specify a shutdown timeout in seconds") Integer timeout;

    Down(ComposeCommand parent) {
      super(parent);
    }

    @Override
    public Integer call() throws Exception {
      new ComposeEngine(parent.cli, project()).down(volumes, orphans, timeout);
      return 0;
    }
  }

  @Command(name = "ps", description = "List containers", mixinStandardHelpOptions = true)
  static final class Ps extends Sub {
    @Option(names = {"-a", "--all"}, description = "Show all stopped containers") boolean all;
    @Option(names = {"-q", "--quiet"}, description = "Only display IDs") boolean quiet;
    @Option(names = "--services", description = "Display services") boolean servicesOnly;
    @Option(names = "--format", description = "Format output using a Go template (table, json)") String format;
    @Parameters(paramLabel = "SERVICE") List<String> services = new ArrayList<>();

    Ps(ComposeCommand parent) {
      super(parent);
    }

    @Override
    public Integer call() throws Exception {
      Project p = project();
      ProjectObjects objects = new ProjectObjects(parent.cli.client(), p.name());
      List<JsonNode> rows = new ArrayList<>();
      for (JsonNode c : objects.containers(null, all, false)) {
        String svc = c.path("Labels").path(ContainerBodies.SERVICE).asText();
        if (services.isEmpty() || services.contains(svc)) {
          rows.add(c);
        }
      }
      if (quiet || servicesOnly) {
        rows.forEach(c -> parent.cli.out.println(servicesOnly ? c.path("Labels").path(ContainerBodies.SERVICE).asText()
            : c.path("Id").asText()));
        return 0;
      }
      String f = format == null ? "table {{.Name}}\t{{.Image}}\t{{.Command}}\t{{.Service}}\t{{.Status}}\t{{.Ports}}" : format;
      if (f.equals("json")) {
        for (JsonNode c : rows) {
          parent.cli.out.println(ApiClient.mapper().writeValueAsString(view(c)));
        }
        return 0;
      }
      Template t = new Template(f);
      if (t.isTable()) {
        Table table = new Table();
        table.row(t.header(Map.of("Name", "NAME", "Image", "IMAGE", "Command", "COMMAND", "Service", "SERVICE",
            "Status", "STATUS", "Ports", "PORTS", "State", "STATE")));
        rows.forEach(c -> table.row(t.render(view(c))));
        table.print(parent.cli.out);
      } else {
        rows.forEach(c -> parent.cli.out.println(t.render(view(c))));
      }
      return 0;
    }

    private static JsonNode view(JsonNode c) {
      ObjectNode v = ApiClient.mapper().createObjectNode();
      v.put("ID", c.path("Id").asText());
      v.put("Name", ProjectObjects.name(c));
      v.put("Image", c.path("Image").asText());
      String cmd = c.path("Command").asText();
      v.put("Command", "\"" + (cmd.length() > 20 ? cmd.substring(0, 19) + "…" : cmd) + "\"");
      v.put("Service", c.path("Labels").path(ContainerBodies.SERVICE).asText());
      v.put("Status", c.path("Status").asText());
      v.put("State", c.path("State").asText());
      StringBuilder ports = new StringBuilder();
      for (JsonNode port : c.path("Ports")) {
        if (!ports.isEmpty()) {
          ports.append(", ");
        }
        if (port.has("PublicPort")) {
          ports.append(port.path("IP").asText("0.0.0.0")).append(':').append(port.path("PublicPort").asInt()).append("->");
        }
        ports.append(port.path("PrivatePort").asInt()).append('/').append(port.path("Type").asText());
      }
      v.put("Ports", ports.toString());
      return v;
    }
  }

  @Command(name = "logs", description = "View output from containers", mixinStandardHelpOptions = true)
  static final class Logs extends Sub {
    @Option(names = {"-f", "--follow"}, description = "Follow log output") boolean follow;
    @Option(names = {"-n", "--tail"}, description = "Number of lines to show from the end of the logs for each container") String tail = "all";
    @Option(names = "--since", description = "Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)") String since;
    @Option(names = "--until", description = "Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)") String until;
    @Option(names = {"-t", "--timestamps"}, description = "Show timestamps") boolean timestamps;
    @Option(names = "--no-log-prefix", description = "Don't print prefix in logs") boolean noPrefix;
    @Option(names = "--no-color", description = "Produce monochrome output (Berth's always is)") boolean noColor;
    @Parameters(paramLabel = "SERVICE") List<String> services = new ArrayList<>();

    Logs(ComposeCommand parent) {
      super(parent);
    }

    @Override
    public Integer call() throws Exception {
      Project p = project();
      check(p, services);
      java.time.Instant now = java.time.Instant.now();
      java.time.ZoneId zone = java.time.ZoneId.systemDefault();
      LogFollower.Options o = new LogFollower.Options(follow, tail,
          since == null ? null : io.berth.cli.format.Timestamps.toApi(since, now, zone),
          until == null ? null : io.berth.cli.format.Timestamps.toApi(until, now, zone), timestamps, !noPrefix);
      return new LogFollower(parent.cli, new ProjectObjects(parent.cli.client(), p.name()), o).follow(services);
    }
  }

  @Command(name = "config", description = "Parse, resolve and render compose file in canonical format", mixinStandardHelpOptions = true)
  static final class Config extends Sub {
    @Option(names = "--services", description = "Print the service names, one per line") boolean servicesOnly;
    @Option(names = {"-q", "--quiet"}, description = "Only validate the configuration, don't print anything") boolean quiet;

    Config(ComposeCommand parent) {
      super(parent);
    }

    @Override
    public Integer call() {
      Project p = project();
      if (quiet) {
        return 0;
      }
      if (servicesOnly) {
        p.serviceNames().forEach(parent.cli.out::println);
      } else {
        parent.cli.out.print(p.yaml());
      }
      return 0;
    }
  }

  @Command(name = "pull", description = "Pull service images", mixinStandardHelpOptions = true)
  static final class Pull extends Sub {
    @Parameters(paramLabel = "SERVICE") List<String> services = new ArrayList<>();

    Pull(ComposeCommand parent) {
      super(parent);
    }

    @Override
    public Integer call() throws Exception {
      Project p = project();
      new ComposeEngine(parent.cli, p).pull(services.isEmpty() ? p.serviceNames() : check(p, services), true);
      return 0;
    }
  }

  @Command(name = "build", description = "Build or rebuild services", mixinStandardHelpOptions = true)
  static final class Build extends Sub {
    @Option(names = "--no-cache", description = "Do not use cache when building the image") boolean noCache;
    @Parameters(paramLabel = "SERVICE") List<String> services = new ArrayList<>();

    Build(ComposeCommand parent) {
      super(parent);
    }

    @Override
    public Integer call() throws Exception {
      Project p = project();
      new ComposeEngine(parent.cli, p).build(services.isEmpty() ? p.serviceNames() : check(p, services), true, noCache);
      return 0;
    }
  }

  /** start, stop and restart of the project's existing containers. */
  @Command(mixinStandardHelpOptions = true)
  static final class Lifecycle extends Sub {
    private final String verb;
    @Option(names = {"-t", "--timeout"}, description = "Specify a shutdown timeout in seconds") Integer timeout;
    @Parameters(paramLabel = "SERVICE") List<String> services = new ArrayList<>();

    Lifecycle(ComposeCommand parent, String verb) {
      super(parent);
      this.verb = verb;
    }

    @Override
    public Integer call() throws Exception {
      Project p = project();
      check(p, services);
      ApiClient api = parent.cli.client();
      ComposeEngine e = new ComposeEngine(parent.cli, p);
      // start brings up what the named services depend on; stop and restart touch only those named
      List<String> scope = verb.equals("start") ? p.startOrder(services) : services.isEmpty() ? p.serviceNames() : services;
      List<JsonNode> containers = e.objects().containers(null, true, false).stream()
          .filter(c -> scope.contains(c.path("Labels").path(ContainerBodies.SERVICE).asText())).toList();
      String done = switch (verb) { case "stop" -> "Stopped"; case "start" -> "Started"; default -> "Restarted"; };
      e.byLevel(containers, verb.equals("stop"), c -> {
        String svc = c.path("Labels").path(ContainerBodies.SERVICE).asText();
        String q = verb.equals("start") ? "" : "?t=" + e.stopTimeout(svc, timeout);
        try {
          api.post("/containers/" + c.path("Id").asText() + "/" + verb + q, null).close();
        } catch (io.berth.client.ApiException x) {
          if (x.status() != 304) {
            throw x;
          }
        }
        e.status("Container", ProjectObjects.name(c), done);
      });
      return 0;
    }
  }

  @Command(name = "exec", description = "Execute a command in a running container", mixinStandardHelpOptions = true)
  static final class Exec extends Sub {
    @Option(names = {"-T", "--no-TTY"}, description = "Disable pseudo-TTY allocation") boolean noTty;
    @Option(names = {"-d", "--detach"}, description = "Detached mode: Run command in the background") boolean detach;
    @Option(names = {"-e", "--env"}, description = "Set environment variables") List<String> env = new ArrayList<>();
    @Option(names = {"-u", "--user"}, description = "Run the command as this user") String user;
    @Option(names = {"-w", "--workdir"}, description = "Path to workdir directory for this command") String workdir;
    @Option(names = "--index", description = "Index of the container if service has multiple replicas") int index = 1;
    @Parameters(index = "0", paramLabel = "SERVICE") String service;
    @Parameters(index = "1..*", paramLabel = "COMMAND") List<String> command = new ArrayList<>();

    Exec(ComposeCommand parent) {
      super(parent);
    }

    @Override
    public Integer call() throws Exception {
      Project p = project();
      p.service(service);
      JsonNode c = new ProjectObjects(parent.cli.client(), p.name()).containers(service, false, false).stream()
          .filter(x -> ProjectObjects.number(x) == index).findFirst()
          .orElseThrow(() -> new ComposeException("service \"" + service + "\" is not running container #" + index));
      List<String> args = new ArrayList<>(List.of("exec", "-i"));
      if (!noTty && System.console() != null) {
        args.add("-t");
      }
      if (detach) {
        args.add("-d");
      }
      env.forEach(e -> args.addAll(List.of("-e", e)));
      if (user != null) {
        args.addAll(List.of("-u", user));
      }
      if (workdir != null) {
        args.addAll(List.of("-w", workdir));
      }
      args.add(c.path("Id").asText());
      args.addAll(command);
      return parent.delegate(args);
    }
  }

  @Command(name = "run", description = "Run a one-off command on a service", mixinStandardHelpOptions = true)
  static final class Run extends Sub {
    @Option(names = "--rm", description = "Automatically remove the container when it exits") boolean rm;
    @Option(names = {"-d", "--detach"}, description = "Run container in background and print container ID") boolean detach;
    @Option(names = "--no-deps", description = "Don't start linked services") boolean noDeps;
    @Option(names = {"-T", "--no-TTY"}, description = "Disable pseudo-TTY allocation (default: auto-detected)") boolean noTty;
    @Option(names = {"-e", "--env"}, description = "Set environment variables") List<String> env = new ArrayList<>();
    @Option(names = "--entrypoint", description = "Override the entrypoint of the image") String entrypoint;
    @Option(names = {"-u", "--user"}, description = "Run as specified username or uid") String user;
    @Option(names = {"-w", "--workdir"}, description = "Working directory inside the container") String workdir;
    @Option(names = {"-P", "--service-ports"}, description = "Run command with the service's ports enabled and mapped to the host") boolean servicePorts;
    @Option(names = "--build", description = "Build image before starting container") boolean build;
    @Parameters(index = "0", paramLabel = "SERVICE") String service;
    @Parameters(index = "1..*", paramLabel = "COMMAND") List<String> command = new ArrayList<>();

    Run(ComposeCommand parent) {
      super(parent);
    }

    @Override
    public Integer call() throws Exception {
      Project p = project();
      p.service(service);
      Map<String, String> extra = new LinkedHashMap<>();
      for (String kv : env) {
        int eq = kv.indexOf('=');
        String v = eq < 0 ? parent.cli.env.get(kv) : kv.substring(eq + 1);
        if (v != null) {
          extra.put(eq < 0 ? kv : kv.substring(0, eq), v);
        }
      }
      List<String> ep = entrypoint == null ? null : entrypoint.isEmpty() ? List.of("") : List.of(entrypoint);
      boolean tty = !noTty && !detach && System.console() != null;
      ContainerBodies.OneOff oneoff = new ContainerBodies.OneOff(command.isEmpty() ? null : command, ep, extra, user,
          workdir, servicePorts, tty, !detach);
      ComposeEngine e = new ComposeEngine(parent.cli, p);
      Planner.Options o = new Planner.Options(List.of(service), Map.of(), noDeps,
          build ? Planner.BuildPolicy.ALWAYS : Planner.BuildPolicy.IF_MISSING, false, true, false, service);
      new UpRunner(parent.cli, p, e, parent.dryRun).up(o);
      if (parent.dryRun) {
        return 0;
      }
      int n = 1 + (int) (System.nanoTime() & 0xfffffff);
      String id = e.create(service, n, oneoff, null);
      if (detach) {
        parent.cli.client().post("/containers/" + id + "/start", null).close();
        parent.cli.out.println(ContainerBodies.containerName(p, service, n, true));
        return 0;
      }
      int code;
      try {
        code = parent.delegate(List.of("start", "-a", "-i", id));
        try (var r = parent.cli.client().post("/containers/" + id + "/wait", null)) {
          code = r.json().path("StatusCode").asInt(code);
        }
      } finally {
        if (rm) {
          parent.cli.client().delete("/containers/" + id + "?force=1&v=1").close();
        }
      }
      return code;
    }
  }
}
