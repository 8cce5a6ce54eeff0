package io.berth.cli.compose;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.format.Table;
import io.berth.cli.format.Units;
import io.berth.client.ApiClient;
import io.berth.client.ApiException;
import io.berth.compose.ComposeException;
import io.berth.compose.ContainerBodies;
import io.berth.compose.Project;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The smaller {@code compose} verbs that act on a project's existing containers one by one
 * (kill, rm, pause, unpause, port, top, images) or look across projects (ls, version); kept
 * apart from {@link ComposeCommands}, which holds the verbs that plan and converge.
 */
final class ProjectTools {
  private ProjectTools() {}

  static void register(CommandLine group, ComposeCommand parent) {
    for (Object c : List.of(new Kill(parent), new Rm(parent), new Pause(parent, "pause"), new Pause(parent, "unpause"),
        new Port(parent), new Top(parent), new Images(parent), new Ls(parent), new Version(parent))) {
      CommandLine cl = new CommandLine(c);
      if (c instanceof Pause p) {
        cl.getCommandSpec().name(p.verb);
        cl.getCommandSpec().usageMessage().description(p.verb.equals("pause") ? "Pause services" : "Unpause services");
      }
      group.addSubcommand(cl.getCommandName(), cl);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The project's (non one-off) containers of {@code services} (all when empty). */
  static List<JsonNode> containers(ComposeCommand parent, Project p, List<String> services, boolean all) throws IOException {
    ComposeCommands.Sub.check(p, services);
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode c : new ProjectObjects(parent.cli.client(), p.name()).containers(null, all, false)) {
      if (services.isEmpty() || services.contains(c.path("Labels").path(ContainerBodies.SERVICE).asText())) {
        out.add(c);
      }
    }
    return out;
  }

  @Command(name = "kill", description = "Force stop service containers", mixinStandardHelpOptions = true)
  static final class Kill extends ComposeCommands.Sub {
    @Option(names = {"-s", "--signal"}, description = "SIGNAL to send to the container") String signal = "SIGKILL";
    @Parameters(paramLabel = "SERVICE") List<String> services = new ArrayList<>();

    Kill(ComposeCommand parent) {
      super(parent);
    }

    @Override
    public Integer call() throws Exception {
      for (JsonNode c : containers(parent, project(), services, false)) {
        parent.cli.client().post("/containers/" + c.path("Id").asText() + "/kill?signal=" + enc(signal), null).close();
        parent.cli.err.println(" Container " + ProjectObjects.name(c) + "  Killed");
      }
      return 0;
    }
  }

  @Command(name = "rm", description = "Removes stopped service containers", mixinStandardHelpOptions = true)
  static final class Rm extends ComposeCommands.Sub {
    @Option(names = {"-f", "--force"}, description = "Don't ask to confirm removal") boolean force;
    @Option(names = {"-s", "--stop"}, description = "Stop the containers, if required, before removing") boolean stop;
    @Option(names = {"-v", "--volumes"}, description = "Remove any anonymous volumes attached to containers") boolean volumes;
    @Parameters(paramLabel = "SERVICE") List<String> services = new ArrayList<>();

    Rm(ComposeCommand parent) {
      super(parent);
    }

    @Override
    public Integer call() throws Exception {
      Project p = project();
      ComposeEngine e = new ComposeEngine(parent.cli, p);
      List<JsonNode> doomed = new ArrayList<>();
      for (JsonNode c : containers(parent, p, services, true)) {
        if (c.path("State").asText().equals("running") && !stop) {
          continue; // as compose: running containers stay unless -s
        }
        doomed.add(c);
      }
      if (doomed.isEmpty()) {
        parent.cli.err.println("No stopped containers");
        return 0;
      }
      if (!force) {
        parent.cli.out.println("Going to remove " + String.join(", ", doomed.stream().map(ProjectObjects::name).toList()));
        parent.cli.out.print("Are you sure? [yN] ");
        parent.cli.out.flush();
        StringBuilder line = new StringBuilder();
        int ch;
        while ((ch = parent.cli.in.read()) >= 0 && ch != '\n') {
          line.append((char) ch);
        }
        if (!line.toString().trim().equalsIgnoreCase("y")) {
          return 0;
        }
      }
      e.byLevel(doomed, true, c -> {
        String id = c.path("Id").asText();
        if (c.path("State").asText().equals("running")) {
          String svc = c.path("Labels").path(ContainerBodies.SERVICE).asText();
          parent.cli.client().post("/containers/" + id + "/stop?t=" + e.stopTimeout(svc, null), null).close();
        }
        parent.cli.client().delete("/containers/" + id + "?force=1" + (volumes ? "&v=1" : "")).close();
        e.status("Container", ProjectObjects.name(c), "Removed");
      });
      return 0;
    }
  }

  /** pause and unpause. */
  @Command(mixinStandardHelpOptions = true)
  static final class Pause extends ComposeCommands.Sub {
    final String verb;
    @Parameters(paramLabel = "SERVICE") List<String> services = new ArrayList<>();

    Pause(ComposeCommand parent, String verb) {
      super(parent);
      this.verb = verb;
    }

    @Override
    public Integer call() throws Exception {
      for (JsonNode c : containers(parent, project(), services, false)) {
        parent.cli.client().post("/containers/" + c.path("Id").asText() + "/" + verb, null).close();
        parent.cli.err.println(" Container " + ProjectObjects.name(c) + "  " + (verb.equals("pause") ? "Paused" : "Unpaused"));
      }
      return 0;
    }
  }

  @Command(name = "port", description = "Print the public port for a port binding", mixinStandardHelpOptions = true)
  static final class Port extends ComposeCommands.Sub {
    @Option(names = "--protocol", description = "tcp or udp") String protocol = "tcp";
    @Option(names = "--index", description = "Index of the container if service has multiple replicas") int index = 1;
    @Parameters(index = "0", paramLabel = "SERVICE") String service;
    @Parameters(index = "1", paramLabel = "PRIVATE_PORT") int port;

    Port(ComposeCommand parent) {
      super(parent);
    }

    @Override
    public Integer call() throws Exception {
      JsonNode c = containers(parent, project(), List.of(service), false).stream()
          .filter(x -> ProjectObjects.number(x) == index).findFirst()
          .orElseThrow(() -> new ComposeException("service \"" + service + "\" is not running container #" + index));
      JsonNode ports;
      try (var r = parent.cli.client().get("/containers/" + c.path("Id").asText() + "/json")) {
        ports = r.json().path("NetworkSettings").path("Ports").path(port + "/" + protocol);
      }
      if (!ports.isArray() || ports.isEmpty()) {
        throw new ComposeException("no port " + port + "/" + protocol + " for container " + ProjectObjects.name(c));
      }
      JsonNode b = ports.get(0);
      String ip = b.path("HostIp").asText("");
      parent.cli.out.println((ip.isEmpty() ? "0.0.0.0" : ip) + ":" + b.path("HostPort").asText());
      return 0;
    }
  }

  @Command(name = "top", description = "Display the running processes", mixinStandardHelpOptions = true)
  static final class Top extends ComposeCommands.Sub {
    @Parameters(paramLabel = "SERVICE") List<String> services = new ArrayList<>();

    Top(ComposeCommand parent) {
      super(parent);
    }

    @Override
    public Integer call() throws Exception {
      for (JsonNode c : containers(parent, project(), services, false)) {
        JsonNode top;
        try (var r = parent.cli.client().get("/containers/" + c.path("Id").asText() + "/top")) {
          top = r.json();
        }
        parent.cli.out.println(ProjectObjects.name(c));
        Table t = new Table();
        List<String> titles = new ArrayList<>();
        top.path("Titles").forEach(x -> titles.add(x.asText()));
        t.row(String.join("\t", titles));
        for (JsonNode proc : top.path("Processes")) {
          List<String> cols = new ArrayList<>();
          proc.forEach(x -> cols.add(x.asText()));
          t.row(String.join("\t", cols));
        }
        t.print(parent.cli.out);
        parent.cli.out.println();
      }
      return 0;
    }
  }

  @Command(name = "images", description = "List images used by the created containers", mixinStandardHelpOptions = true)
  static final class Images extends ComposeCommands.Sub {
    @Option(names = {"-q", "--quiet"}, description = "Only display IDs") boolean quiet;
    @Parameters(paramLabel = "SERVICE") List<String> services = new ArrayList<>();

    Images(ComposeCommand parent) {
      super(parent);
    }

    @Override
    public Integer call() throws Exception {
      Table t = new Table();
      t.row("CONTAINER\tREPOSITORY\tTAG\tIMAGE ID\tSIZE");
      for (JsonNode c : containers(parent, project(), services, true)) {
        String ref = c.path("Image").asText();
        JsonNode img;
        try (var r = parent.cli.client().get("/images/" + enc(c.path("ImageID").asText(ref)) + "/json")) {
          img = r.json();
        } catch (ApiException e) {
          if (e.status() != 404) {
            throw e;
          }
          continue;
        }
        String id = img.path("Id").asText().replaceFirst("^sha256:", "");
        if (quiet) {
          parent.cli.out.println(id);
          continue;
        }
        String[] repoTag = ComposeEngine.splitTag(ref);
        t.row(ProjectObjects.name(c) + "\t" + repoTag[0] + "\t" + repoTag[1] + "\t" + id.substring(0, Math.min(12, id.length()))
            + "\t" + Units.size(img.path("Size").asDouble()));
      }
      if (!quiet) {
        t.print(parent.cli.out);
      }
      return 0;
    }
  }

  @Command(name = "ls", description = "List running compose projects", mixinStandardHelpOptions = true)
  static final class Ls extends ComposeCommands.Sub {
    @Option(names = {"-a", "--all"}, description = "Show all stopped Compose projects") boolean all;
    @Option(names = {"-q", "--quiet"}, description = "Only display project names") boolean quiet;

    Ls(ComposeCommand parent) {
      super(parent);
    }

    @Override
    public Integer call() throws Exception {
      ApiClient api = parent.cli.client();
      Map<String, Map<String, Integer>> states = new TreeMap<>();
      Map<String, String> files = new TreeMap<>();
      try (var r = api.get("/containers/json?all=1&filters=" + ProjectObjects.filter(ContainerBodies.PROJECT))) {
        for (JsonNode c : r.json()) {
          String project = c.path("Labels").path(ContainerBodies.PROJECT).asText();
          states.computeIfAbsent(project, k -> new TreeMap<>()).merge(c.path("State").asText(), 1, Integer::sum);
          files.putIfAbsent(project, c.path("Labels").path(ContainerBodies.CONFIG_FILES).asText(""));
        }
      }
      Table t = new Table();
      t.row("NAME\tSTATUS\tCONFIG FILES");
      states.forEach((project, counts) -> {
        if (!all && !counts.containsKey("running")) {
          return;
        }
        if (quiet) {
          parent.cli.out.println(project);
          return;
        }
        List<String> status = new ArrayList<>();
        counts.forEach((state, n) -> status.add(state + "(" + n + ")"));
        t.row(project + "\t" + String.join(", ", status) + "\t" + files.get(project));
      });
      if (!quiet) {
        t.print(parent.cli.out);
      }
      return 0;
    }
  }

  @Command(name = "version", description = "Show the Compose version information", mixinStandardHelpOptions = true)
  static final class Version extends ComposeCommands.Sub {
    @Option(names = "--short", description = "Shows only Compose's version number") boolean shortForm;

    Version(ComposeCommand parent) {
      super(parent);
    }

    @Override
    public Integer call() {
      parent.cli.out.println(shortForm ? ContainerBodies.COMPOSE_VERSION
          : "Berth compose version " + io.berth.cli.session.Version.NUMBER + " (compose spec; labels and behaviour of Docker Compose "
              + ContainerBodies.COMPOSE_VERSION + ")");
      return 0;
    }
  }
}
