package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.commands.Base;
import io.berth.cli.commands.Filters;
import io.berth.cli.commands.SystemCommands;
import io.berth.cli.format.GoJson;
import io.berth.cli.format.Template;
import io.berth.cli.session.Cli;
import io.berth.client.ApiClient;
import io.berth.client.ApiException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code service create|ls|ps|inspect|logs|scale|update|rollback|rm}, as docker's. */
public final class ServiceCommands {
  private ServiceCommands() {}

  public static void register(CommandLine root, Cli cli) {
    if (!cli.builds("service")) {
      return;
    }
    CommandLine group = new CommandLine(new SystemCommands.Group());
    group.getCommandSpec().name("service");
    group.getCommandSpec().usageMessage().description("Manage Swarm services");
    Base.add(group, "create", new ServiceCreate(cli));
    Base.add(group, "ls", new Ls(cli), "list");
    Base.add(group, "ps", new Ps(cli));
    Base.add(group, "inspect", new Inspect(cli));
    Base.add(group, "logs", new ServiceLogs(cli));
    Base.add(group, "scale", new Scale(cli));
    Base.add(group, "update", new ServiceUpdate(cli));
    Base.add(group, "rollback", new ServiceRollback(cli));
    Base.add(group, "rm", new Rm(cli), "remove");
    group.getSubcommands().get("create").setStopAtPositional(true);
    root.addSubcommand("service", group);
  }

  @Command(name = "ls", description = "List services", mixinStandardHelpOptions = true)
  static final class Ls extends Base {
    @Option(names = {"-q", "--quiet"}, description = "Only display IDs") boolean quiet;
    @Option(names = "--format", paramLabel = "string", description = "Format output using a custom template ('table', 'json' or a Go template)")
    String format;
    @Option(names = {"-f", "--filter"}, paramLabel = "filter", description = "Filter output based on conditions provided") List<String> filters = new ArrayList<>();

    Ls(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      List<String> q = new ArrayList<>();
      if (!filters.isEmpty()) {
        q.add("filters=" + enc(Filters.json(filters)));
      }
      if (!quiet) {
        q.add("status=true");
      }
      List<JsonNode> rows = new ArrayList<>();
      try (ApiClient.Response r = api().get("/services" + (q.isEmpty() ? "" : "?" + String.join("&", q)))) {
        r.json().forEach(rows::add);
      }
      rows.sort((a, b) -> NaturalOrder.INSTANCE.compare(a.path("Spec").path("Name").asText(), b.path("Spec").path("Name").asText()));
      String f = "table".equals(format) ? null : format;
      print(rows, f, ServiceTable.DEFAULT, ServiceTable::view, quiet, s -> s.path("ID").asText(), ServiceTable.HEADERS);
      return 0;
    }
  }

  @Command(name = "ps", description = "List the tasks of one or more services", mixinStandardHelpOptions = true)
  static final class Ps extends TaskCommand {
    @Option(names = {"-q", "--quiet"}, description = "Only display task IDs") boolean quiet;
    @Option(names = "--no-trunc", description = "Do not truncate output") boolean noTrunc;
    @Option(names = "--no-resolve", description = "Do not map IDs to Names") boolean noResolve;
    @Option(names = "--format", paramLabel = "string", description = "Pretty-print tasks using a Go template") String format;
    @Option(names = {"-f", "--filter"}, paramLabel = "filter", description = "Filter output based on conditions provided") List<String> filters = new ArrayList<>();
    @Parameters(arity = "1..*", paramLabel = "SERVICE") List<String> services;

    Ps(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      List<String> notFound = new ArrayList<>();
      List<String> ids = ServiceRef.ids(api(), services, notFound);
      if (ids.isEmpty()) {
        throw new IllegalArgumentException(String.join("\n", notFound));
      }
      List<String> f = new ArrayList<>(filters);
      ids.forEach(id -> f.add("service=" + id));
      List<JsonNode> tasks = new ArrayList<>();
      try (ApiClient.Response r = api().get("/tasks?filters=" + enc(Filters.json(f)))) {
        r.json().forEach(tasks::add);
      }
      printTasks(tasks, format, quiet, noTrunc, noResolve);
      if (!notFound.isEmpty()) {
        throw new IllegalArgumentException(String.join("\n", notFound));
      }
      return 0;
    }
  }

  @Command(name = "inspect", description = "Display detailed information on one or more services", mixinStandardHelpOptions = true)
  static final class Inspect extends Base {
    @Option(names = {"-f", "--format"}, paramLabel = "string", description = "Format output using a custom template") String format;
    @Parameters(arity = "1..*", paramLabel = "SERVICE") List<String> names;

    Inspect(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      return inspect(cli, names, format, n -> {
        try (ApiClient.Response r = api().get("/services/" + enc(n) + "?insertDefaults=true")) {
          return r.json();
        }
      }, "no such service: ");
    }
  }

  /** Looks an object up by name or id, null when the daemon does not know it. */
  @FunctionalInterface
  interface Lookup {
    JsonNode get(String name) throws IOException;
  }

  /** docker's inspect output: a JSON array, or each object through {@code --format}; exit 1 when one was missing. */
  static int inspect(Cli cli, List<String> names, String format, Lookup lookup, String missing) throws IOException {
    List<JsonNode> found = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (String n : names) {
      try {
        found.add(lookup.get(n));
      } catch (ApiException e) {
        if (e.status() != 404) {
          throw e;
        }
        errors.add(missing + n);
      }
    }
    if (format != null && !format.equals("json")) {
      Template t = new Template(format);
      found.forEach(o -> cli.out.println(t.render(o)));
    } else {
      cli.out.println(GoJson.indent(Base.JSON.valueToTree(found)));
    }
    errors.forEach(cli.err::println);
    return errors.isEmpty() ? 0 : 1;
  }

  @Command(name = "rm", description = "Remove one or more services", mixinStandardHelpOptions = true)
  static final class Rm extends Base {
    @Parameters(arity = "1..*", paramLabel = "SERVICE") List<String> services;

    Rm(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      int rc = 0;
      for (String s : services) {
        try {
          api().delete("/services/" + enc(s)).close();
          cli.out.println(s);
        } catch (ApiException e) {
          cli.err.println("Error response from daemon: " + e.getMessage());
          rc = 1;
        }
      }
      return rc;
    }
  }

  @Command(name = "scale", description = "Scale one or multiple replicated services", mixinStandardHelpOptions = true)
  static final class Scale extends Base {
    @Option(names = {"-d", "--detach"}, description = "Exit immediately instead of waiting for the service to converge") boolean detach;
    @Parameters(arity = "1..*", paramLabel = "SERVICE=REPLICAS") List<String> pairs;

    Scale(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      for (String p : pairs) {
        if (!p.matches("[^=]+=.*")) {
          throw new IllegalArgumentException("Invalid scale specifier '" + p + "'.\nSee 'berth service scale --help'.\n\n"
              + "Usage:  berth service scale SERVICE=REPLICAS [SERVICE=REPLICAS...]");
        }
      }
      List<String> errors = new ArrayList<>();
      List<String> scaled = new ArrayList<>();
      for (String p : pairs) {
        String service = p.substring(0, p.indexOf('='));
        String value = p.substring(p.indexOf('=') + 1);
        try {
          long n;
          try {
            n = Long.parseUnsignedLong(value);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid replicas value " + value + ": strconv.ParseUint: parsing \"" + value
                + "\": invalid syntax");
          }
          scale(service, n);
          cli.out.println(service + " scaled to " + n);
          scaled.add(service);
        } catch (ApiException | IllegalArgumentException e) {
          errors.add(service + ": " + e.getMessage());
        }
      }
      for (String s : detach ? List.<String>of() : scaled) {
        try {
          new Convergence(api(), cli, false).await(s);
        } catch (IllegalStateException e) {
          errors.add(s + ": " + e.getMessage());
        }
      }
      if (!errors.isEmpty()) {
        throw new IllegalArgumentException(String.join("\n", errors));
      }
      return 0;
    }

    private void scale(String service, long n) throws IOException {
      JsonNode s;
      try (ApiClient.Response r = api().get("/services/" + enc(service) + "?insertDefaults=false")) {
        s = r.json();
      }
      ObjectNode spec = (ObjectNode) s.path("Spec");
      JsonNode mode = spec.path("Mode");
      if (mode.has("Replicated")) {
        ((ObjectNode) mode.get("Replicated")).put("Replicas", n);
      } else if (mode.has("ReplicatedJob")) {
        ((ObjectNode) mode.get("ReplicatedJob")).put("TotalCompletions", n);
      } else {
        throw new IllegalArgumentException("scale can only be used with replicated or replicated-job mode");
      }
      try (ApiClient.Response r = api().post("/services/" + s.path("ID").asText() + "/update?version="
          + s.path("Version").path("Index").asLong(), spec)) {
        r.json().path("Warnings").forEach(w -> cli.err.println(w.asText()));
      }
    }
  }
}
