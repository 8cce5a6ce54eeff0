package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.commands.Base;
import io.berth.cli.commands.Filters;
import io.berth.cli.commands.SystemCommands;
import io.berth.cli.session.Cli;
import io.berth.client.ApiClient;
import io.berth.client.ApiException;
import io.berth.compose.StackConverter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stack deploy|ls|ps|services|rm}, as docker's: a stack is the services, networks,
 * secrets and configs labelled {@code com.docker.stack.namespace=NAME}; everything here is found
 * again by that label, so {@code docker stack} and {@code berth stack} see each other's stacks.
 */
public final class StackCommands {
  private StackCommands() {}

  public static void register(CommandLine root, Cli cli) {
    if (!cli.builds("stack")) {
      return;
    }
    CommandLine group = new CommandLine(new SystemCommands.Group());
    group.getCommandSpec().name("stack");
    group.getCommandSpec().usageMessage().description("Manage Swarm stacks");
    Base.add(group, "deploy", new StackDeploy(cli), "up");
    Base.add(group, "ls", new Ls(cli), "list");
    Base.add(group, "ps", new Ps(cli));
    Base.add(group, "services", new Services(cli));
    Base.add(group, "rm", new Rm(cli), "remove", "down");
    root.addSubcommand("stack", group);
  }

  /** docker's validateStackName: a name, without surrounding blanks. */
  static void validateName(String name) {
    if (name.isEmpty() || !name.strip().equals(name)) {
      throw new IllegalArgumentException("invalid stack name: \"" + name + "\"");
    }
  }

  /** The objects at {@code path} ({@code /services}, {@code /networks}, ...) of the stack, with the extra filters. */
  static List<JsonNode> list(ApiClient api, String path, String stack, List<String> filters) throws IOException {
    List<String> f = new ArrayList<>(filters);
    f.add(StackDeploy.label(stack));
    List<JsonNode> out = new ArrayList<>();
    try (ApiClient.Response r = api.get(path + "?filters=" + Base.enc(Filters.json(f)))) {
      r.json().forEach(out::add);
    }
    return out;
  }

  /** Removes {@code services} by name order, as docker prints it; true when one failed. */
  static boolean removeServices(ApiClient api, Cli cli, List<JsonNode> services) {
    List<JsonNode> sorted = new ArrayList<>(services);
    sorted.sort((a, b) -> a.path("Spec").path("Name").asText().compareTo(b.path("Spec").path("Name").asText()));
    boolean failed = false;
    for (JsonNode s : sorted) {
      cli.out.println("Removing service " + s.path("Spec").path("Name").asText());
      failed |= remove(api, cli, "/services/", s.path("ID").asText());
    }
    return failed;
  }

  private static boolean remove(ApiClient api, Cli cli, String path, String id) {
    try {
      api.delete(path + id).close();
      return false;
    } catch (ApiException e) {
      cli.err.print("Failed to remove " + path.substring(1, path.length() - 2) + " " + id + ": " + e.getMessage());
      return true;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Command(name = "ls", description = "List stacks", mixinStandardHelpOptions = true)
  static final class Ls extends Base {
    @Option(names = "--format", paramLabel = "string", description = "Format output using a custom template ('table', 'json' or a Go template)")
    String format;

    Ls(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      Map<String, Integer> counts = new TreeMap<>(NaturalOrder.INSTANCE);
      try (ApiClient.Response r = api().get("/services?filters="
          + enc(Filters.json(List.of("label=" + StackConverter.NAMESPACE))))) {
        for (JsonNode s : r.json()) {
          counts.merge(s.path("Spec").path("Labels").path(StackConverter.NAMESPACE).asText(), 1, Integer::sum);
        }
      }
      List<JsonNode> rows = new ArrayList<>();
      counts.forEach((name, n) -> rows.add(obj().put("Name", name).put("Services", Integer.toString(n))));
      String f = "table".equals(format) ? null : format;
      print(rows, f, "table {{.Name}}\t{{.Services}}", v -> v, false, v -> v.path("Name").asText(),
          Map.of("Name", "NAME", "Services", "SERVICES"));
      return 0;
    }
  }

  @Command(name = "ps", description = "List the tasks in the stack", mixinStandardHelpOptions = true)
  static final class Ps extends TaskCommand {
    @Option(names = "--no-trunc", description = "Do not truncate output") boolean noTrunc;
    @Option(names = "--no-resolve", description = "Do not map IDs to Names") boolean noResolve;
    @Option(names = {"-f", "--filter"}, paramLabel = "filter", description = "Filter output based on conditions provided") List<String> filters = new ArrayList<>();
    @Option(names = {"-q", "--quiet"}, description = "Only display task IDs") boolean quiet;
    @Option(names = "--format", paramLabel = "string", description = "Format output using a custom template ('table', 'json' or a Go template)") String format;
    @Parameters(index = "0", paramLabel = "STACK") String stack;

    Ps(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      validateName(stack);
      List<JsonNode> tasks = list(api(), "/tasks", stack, filters);
      if (tasks.isEmpty()) {
        throw new IllegalArgumentException("nothing found in stack: " + stack);
      }
      printTasks(tasks, format, quiet, noTrunc, noResolve);
      return 0;
    }
  }

  @Command(name = "services", description = "List the services in the stack", mixinStandardHelpOptions = true)
  static final class Services extends Base {
    @Option(names = {"-q", "--quiet"}, description = "Only display IDs") boolean quiet;
    @Option(names = "--format", paramLabel = "string", description = "Format output using a custom template ('table', 'json' or a Go template)") String format;
    @Option(names = {"-f", "--filter"}, paramLabel = "filter", description = "Filter output based on conditions provided") List<String> filters = new ArrayList<>();
    @Parameters(index = "0", paramLabel = "STACK") String stack;

    Services(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      validateName(stack);
      List<String> f = new ArrayList<>(filters);
      f.add(StackDeploy.label(stack));
      List<JsonNode> rows = new ArrayList<>();
      try (ApiClient.Response r = api().get("/services?filters=" + enc(Filters.json(f)) + (quiet ? "" : "&status=true"))) {
        r.json().forEach(rows::add);
      }
      if (rows.isEmpty()) {
        cli.err.println("Nothing found in stack: " + stack);
        return 0;
      }
      rows.sort((a, b) -> NaturalOrder.INSTANCE.compare(a.path("Spec").path("Name").asText(), b.path("Spec").path("Name").asText()));
      String fmt = "table".equals(format) ? null : format;
      print(rows, fmt, ServiceTable.DEFAULT, ServiceTable::view, quiet, s -> s.path("ID").asText(), ServiceTable.HEADERS);
      return 0;
    }
  }

  @Command(name = "rm", description = "Remove one or more stacks", mixinStandardHelpOptions = true)
  static final class Rm extends Base {
    @Option(names = {"-d", "--detach"}, arity = "0..1", paramLabel = "bool",
        description = "Do not wait for stack removal (default true)") boolean detach = true;
    @Parameters(arity = "1..*", paramLabel = "STACK") List<String> stacks;

    Rm(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      stacks.forEach(StackCommands::validateName);
      List<String> errors = new ArrayList<>();
      for (String stack : stacks) {
        List<JsonNode> services = list(api(), "/services", stack, List.of());
        List<JsonNode> networks = list(api(), "/networks", stack, List.of());
        List<JsonNode> secrets = list(api(), "/secrets", stack, List.of());
        List<JsonNode> configs = list(api(), "/configs", stack, List.of());
        if (services.size() + networks.size() + secrets.size() + configs.size() == 0) {
          cli.err.println("Nothing found in stack: " + stack);
          continue;
        }
        boolean failed = removeServices(api(), cli, services);
        for (JsonNode s : secrets) {
          cli.out.println("Removing secret " + s.path("Spec").path("Name").asText());
          failed |= remove(api(), cli, "/secrets/", s.path("ID").asText());
        }
        for (JsonNode c : configs) {
          cli.out.println("Removing config " + c.path("Spec").path("Name").asText());
          failed |= remove(api(), cli, "/configs/", c.path("ID").asText());
        }
        for (JsonNode n : networks) {
          cli.out.println("Removing network " + n.path("Name").asText());
          failed |= remove(api(), cli, "/networks/", n.path("Id").asText(n.path("ID").asText()));
        }
        if (failed) {
          errors.add("failed to remove some resources from stack: " + stack);
        } else if (!detach) {
          awaitTasksGone(stack);
        }
      }
      if (!errors.isEmpty()) {
        throw new IllegalStateException(String.join("\n", errors));
      }
      return 0;
    }

    /** {@code -d=false}: until every task of the stack has ended (bounded as a service's convergence). */
    private void awaitTasksGone(String stack) throws IOException, InterruptedException {
      long tries = Convergence.LIMIT.toMillis() / 500;
      for (long i = 0; i < tries; i++) {
        boolean running = false;
        for (JsonNode t : list(api(), "/tasks", stack, List.of())) {
          String s = t.path("Status").path("State").asText();
          running |= !List.of("complete", "shutdown", "failed", "rejected", "remove", "orphaned").contains(s);
        }
        if (!running) {
          return;
        }
        Thread.sleep(500);
      }
      throw new IllegalStateException("failed to wait on tasks of stack: " + stack + ": timed out");
    }
  }
}
