package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.commands.Base;
import io.berth.cli.commands.Filters;
import io.berth.cli.commands.SystemCommands;
import io.berth.cli.session.Cli;
import io.berth.client.ApiClient;
import io.berth.client.ApiException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code node ls|inspect|ps|update|promote|demote|rm}, as docker's. */
public final class NodeCommands {
  static final String DEFAULT = "table {{.ID}} {{if .Self}}*{{else}} {{end}}\t{{.Hostname}}\t{{.Status}}\t{{.Availability}}\t{{.ManagerStatus}}\t{{.EngineVersion}}";
  static final Map<String, String> HEADERS = Map.of("ID", "ID", "Hostname", "HOSTNAME", "Status", "STATUS",
      "Availability", "AVAILABILITY", "ManagerStatus", "MANAGER STATUS", "EngineVersion", "ENGINE VERSION", "TLSStatus", "TLS STATUS");

  private NodeCommands() {}

  public static void register(CommandLine root, Cli cli) {
    if (!cli.builds("node")) {
      return;
    }
    CommandLine group = new CommandLine(new SystemCommands.Group());
    group.getCommandSpec().name("node");
    group.getCommandSpec().usageMessage().description("Manage Swarm nodes");
    Base.add(group, "ls", new Ls(cli), "list");
    Base.add(group, "inspect", new Inspect(cli));
    Base.add(group, "ps", new Ps(cli));
    Base.add(group, "update", new Update(cli));
    Base.add(group, "promote", new Role(cli, "manager"));
    Base.add(group, "demote", new Role(cli, "worker"));
    Base.add(group, "rm", new Rm(cli), "remove");
    group.getSubcommands().get("promote").getCommandSpec().usageMessage().description("Promote one or more nodes to manager in the swarm");
    group.getSubcommands().get("demote").getCommandSpec().usageMessage().description("Demote one or more nodes from manager in the swarm");
    root.addSubcommand("node", group);
  }

  /** {@code self} is this daemon's node (its id from {@code /info}), anything else names a node as is. */
  static String reference(ApiClient api, String ref) throws IOException {
    if (!ref.equals("self")) {
      return ref;
    }
    String id = SwarmCommands.info(api).path("Swarm").path("NodeID").asText();
    if (id.isEmpty()) {
      // not in a swarm: the node list's error says why ("This node is not a swarm manager...")
      api.get("/nodes").close();
      throw new IllegalStateException("node ID not found in /info");
    }
    return id;
  }

  static JsonNode node(ApiClient api, String ref) throws IOException {
    try (ApiClient.Response r = api.get("/nodes/" + Base.enc(reference(api, ref)))) {
      return r.json();
    }
  }

  /** docker's node formatter fields; {@code self} is this daemon's node id. */
  static ObjectNode view(JsonNode n, String self) {
    ObjectNode v = Base.obj();
    v.put("ID", n.path("ID").asText());
    v.put("Self", n.path("ID").asText().equals(self));
    v.put("Hostname", n.path("Description").path("Hostname").asText());
    v.put("Status", TaskTable.capitalized(n.path("Status").path("State").asText()));
    v.put("Availability", TaskTable.capitalized(n.path("Spec").path("Availability").asText()));
    JsonNode ms = n.path("ManagerStatus");
    String reach = !ms.isObject() ? "" : ms.path("Leader").asBoolean() ? "Leader" : ms.path("Reachability").asText();
    v.put("ManagerStatus", TaskTable.capitalized(reach));
    v.put("EngineVersion", n.path("Description").path("Engine").path("EngineVersion").asText());
    return v;
  }

  @Command(name = "ls", description = "List nodes in the swarm", mixinStandardHelpOptions = true)
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
      List<JsonNode> rows = new ArrayList<>();
      try (ApiClient.Response r = api().get("/nodes" + (filters.isEmpty() ? "" : "?filters=" + enc(Filters.json(filters))))) {
        r.json().forEach(rows::add);
      }
      String self = rows.isEmpty() || quiet ? "" : SwarmCommands.info(api()).path("Swarm").path("NodeID").asText();
      rows.sort((a, b) -> NaturalOrder.INSTANCE.compare(a.path("Description").path("Hostname").asText(),
          b.path("Description").path("Hostname").asText()));
      String f = "table".equals(format) ? null : format;
      print(rows, f, DEFAULT, n -> view(n, self), quiet, n -> n.path("ID").asText(), HEADERS);
      return 0;
    }
  }

  @Command(name = "inspect", description = "Display detailed information on one or more nodes", mixinStandardHelpOptions = true)
  static final class Inspect extends Base {
    @Option(names = {"-f", "--format"}, paramLabel = "string", description = "Format output using a custom template") String format;
    @Parameters(arity = "1..*", paramLabel = "self|NODE") List<String> names;

    Inspect(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      return ServiceCommands.inspect(cli, names, format, n -> node(api(), n), "Error: No such node: ");
    }
  }

  @Command(name = "ps", description = "List tasks running on one or more nodes, defaults to current node", mixinStandardHelpOptions = true)
  static final class Ps extends TaskCommand {
    @Option(names = {"-q", "--quiet"}, description = "Only display task IDs") boolean quiet;
    @Option(names = "--no-trunc", description = "Do not truncate output") boolean noTrunc;
    @Option(names = "--no-resolve", description = "Do not map IDs to Names") boolean noResolve;
    @Option(names = "--format", paramLabel = "string", description = "Pretty-print tasks using a Go template") String format;
    @Option(names = {"-f", "--filter"}, paramLabel = "filter", description = "Filter output based on conditions provided") List<String> filters = new ArrayList<>();
    @Parameters(arity = "0..*", paramLabel = "NODE") List<String> nodes = new ArrayList<>();

    Ps(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      List<String> errors = new ArrayList<>();
      List<JsonNode> tasks = new ArrayList<>();
      for (String ref : nodes.isEmpty() ? List.of("self") : nodes) {
        try {
          List<String> f = new ArrayList<>(filters);
          f.add("node=" + node(api(), ref).path("ID").asText());
          try (ApiClient.Response r = api().get("/tasks?filters=" + enc(Filters.json(f)))) {
            r.json().forEach(tasks::add);
          }
        } catch (ApiException | IllegalStateException e) {
          errors.add(e instanceof ApiException ? "Error response from daemon: " + e.getMessage() : e.getMessage());
        }
      }
      if (errors.isEmpty() || !tasks.isEmpty()) {
        printTasks(tasks, format, quiet, noTrunc, noResolve);
      }
      errors.forEach(cli.err::println);
      return errors.isEmpty() ? 0 : 1;
    }
  }

  /** Read-modify-write of one node's spec, with its version, as docker's updateNodes. */
  static void updateNode(ApiClient api, JsonNode node, ObjectNode spec) throws IOException {
    api.post("/nodes/" + node.path("ID").asText() + "/update?version=" + node.path("Version").path("Index").asLong(), spec).close();
  }

  @Command(name = "update", description = "Update a node", mixinStandardHelpOptions = true)
  static final class Update extends Base {
    @Option(names = "--availability", paramLabel = "string", description = "Availability of the node (\"active\", \"pause\", \"drain\")") String availability;
    @Option(names = "--role", paramLabel = "string", description = "Role of the node (\"worker\", \"manager\")") String role;
    @Option(names = "--label-add", paramLabel = "list", description = "Add or update a node label (\"key=value\")") List<String> labelAdd = new ArrayList<>();
    @Option(names = "--label-rm", paramLabel = "list", description = "Remove a node label if exists") List<String> labelRm = new ArrayList<>();
    @Parameters(index = "0", paramLabel = "NODE") String nodeRef;

    Update(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      JsonNode node = node(api(), nodeRef);
      ObjectNode spec = merge(((ObjectNode) node.path("Spec")).deepCopy());
      updateNode(api(), node, spec);
      cli.out.println(nodeRef);
      return 0;
    }

    /** docker's mergeNodeUpdate: role and availability as given, labels added then removed (a missing key is an error). */
    ObjectNode merge(ObjectNode spec) {
      if (role != null) {
        spec.put("Role", role);
      }
      if (availability != null) {
        spec.put("Availability", availability);
      }
      ObjectNode labels = spec.path("Labels").isObject() ? (ObjectNode) spec.get("Labels") : spec.putObject("Labels");
      labels.setAll(ServiceCreate.keyValues(labelAdd));
      for (String k : labelRm) {
        if (!labels.has(k)) {
          throw new IllegalArgumentException("key " + k + " doesn't exist in node's labels");
        }
        labels.remove(k);
      }
      return spec;
    }
  }

  /** {@code promote} and {@code demote}: one role change per node, a node already in the role said so and skipped. */
  @Command(mixinStandardHelpOptions = true)
  static final class Role extends Base {
    private final String role;
    @Parameters(arity = "1..*", paramLabel = "NODE") List<String> nodes;

    Role(Cli cli, String role) {
      super(cli);
      this.role = role;
    }

    @Override
    public Integer call() throws Exception {
      for (String ref : nodes) {
        JsonNode node = node(api(), ref);
        if (node.path("Spec").path("Role").asText().equals(role)) {
          cli.out.println("Node " + node.path("ID").asText() + " is already a " + role + ".");
          continue;
        }
        ObjectNode spec = ((ObjectNode) node.path("Spec")).deepCopy();
        spec.put("Role", role);
        updateNode(api(), node, spec);
        cli.out.println(role.equals("manager") ? "Node " + ref + " promoted to a manager in the swarm."
            : "Manager " + ref + " demoted in the swarm.");
      }
      return 0;
    }
  }

  @Command(name = "rm", description = "Remove one or more nodes from the swarm", mixinStandardHelpOptions = true)
  static final class Rm extends Base {
    @Option(names = {"-f", "--force"}, description = "Force remove a node from the swarm") boolean force;
    @Parameters(arity = "1..*", paramLabel = "NODE") List<String> nodes;

    Rm(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      int rc = 0;
      for (String n : nodes) {
        try {
          api().delete("/nodes/" + enc(n) + (force ? "?force=1" : "")).close();
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
