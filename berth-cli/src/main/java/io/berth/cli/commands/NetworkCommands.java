package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.session.Cli;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code network create|ls|inspect|rm|prune|connect|disconnect}, as docker's. */
public final class NetworkCommands {
  private static final Map<String, String> HEADERS = Map.of("ID", "NETWORK ID", "Name", "NAME",
      "Driver", "DRIVER", "Scope", "SCOPE", "IPv6", "IPV6", "Internal", "INTERNAL", "CreatedAt", "CREATED");

  private NetworkCommands() {}

  public static void register(CommandLine root, Cli cli) {
    CommandLine group = new CommandLine(new SystemCommands.Group());
    group.getCommandSpec().name("network");
    group.getCommandSpec().usageMessage().description("Manage networks");
    Base.add(group, "create", new Create(cli));
    Base.add(group, "ls", new Ls(cli), "list");
    Base.add(group, "inspect", new ContainerCommands.Inspect(cli, "network"));
    Base.add(group, "rm", new Rm(cli), "remove");
    Base.add(group, "prune", new Prune(cli));
    Base.add(group, "connect", new Connect(cli));
    Base.add(group, "disconnect", new Disconnect(cli));
    root.addSubcommand("network", group);
  }

  @Command(name = "create", description = "Create a network", mixinStandardHelpOptions = true)
  static final class Create extends Base {
    @Option(names = {"-d", "--driver"}, description = "Driver to manage the Network (default \"bridge\")") String driver = "bridge";
    @Option(names = "--subnet", description = "Subnet in CIDR format that represents a network segment") String subnet;
    @Option(names = "--gateway", description = "IPv4 Gateway for the master subnet") String gateway;
    @Option(names = "--ip-range", description = "Allocate container ip from a sub-range") String ipRange;
    @Option(names = "--internal", description = "Restrict external access to the network") boolean internal;
    @Option(names = "--attachable", description = "Enable manual container attachment") boolean attachable;
    @Option(names = {"-o", "--opt"}, description = "Set driver specific options") List<String> opts = new ArrayList<>();
    @Option(names = "--label", description = "Set metadata on a network") List<String> labels = new ArrayList<>();
    @Parameters(arity = "1", paramLabel = "NETWORK") String name;

    Create(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      ObjectNode b = obj().put("Name", name).put("Driver", driver).put("Internal", internal)
          .put("Attachable", attachable).put("CheckDuplicate", true);
      if (subnet != null || gateway != null || ipRange != null) {
        ObjectNode c = b.putObject("IPAM").put("Driver", "default").putArray("Config").addObject();
        if (subnet != null) {
          c.put("Subnet", subnet);
        }
        if (gateway != null) {
          c.put("Gateway", gateway);
        }
        if (ipRange != null) {
          c.put("IPRange", ipRange);
        }
      }
      keyValues(b.putObject("Labels"), labels);
      keyValues(b.putObject("Options"), opts);
      cli.out.println(api().post("/networks/create", b).json().path("Id").asText());
      return 0;
    }

    private static void keyValues(ObjectNode into, List<String> kvs) {
      for (String kv : kvs) {
        int eq = kv.indexOf('=');
        into.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
      }
    }
  }

  @Command(name = "ls", description = "List networks", mixinStandardHelpOptions = true)
  static final class Ls extends Base {
    @Option(names = {"-q", "--quiet"}, description = "Only display network IDs") boolean quiet;
    @Option(names = "--no-trunc", description = "Do not truncate the output") boolean noTrunc;
    @Option(names = {"-f", "--filter"}, description = "Provide filter values (e.g. \"driver=bridge\")") List<String> filters = new ArrayList<>();
    @Option(names = "--format", description = "Format output using a Go template") String format;

    Ls(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      String q = filters.isEmpty() ? "" : "?filters=" + enc(Filters.json(filters));
      List<JsonNode> rows = new ArrayList<>();
      api().get("/networks" + q).json().forEach(rows::add);
      rows.sort((a, b) -> a.path("Name").asText().compareTo(b.path("Name").asText()));
      print(rows, format, "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}", this::view, quiet,
          n -> noTrunc ? n.path("Id").asText() : shortId(n.path("Id").asText()), HEADERS);
      return 0;
    }

    private JsonNode view(JsonNode n) {
      ObjectNode v = obj();
      v.put("ID", noTrunc ? n.path("Id").asText() : shortId(n.path("Id").asText()));
      v.put("Name", n.path("Name").asText());
      v.put("Driver", n.path("Driver").asText());
      v.put("Scope", n.path("Scope").asText());
      v.put("IPv6", Boolean.toString(n.path("EnableIPv6").asBoolean()));
      v.put("Internal", Boolean.toString(n.path("Internal").asBoolean()));
      v.put("CreatedAt", n.path("Created").asText());
      StringBuilder labels = new StringBuilder();
      n.path("Labels").fields().forEachRemaining(e ->
          labels.append(labels.isEmpty() ? "" : ",").append(e.getKey()).append('=').append(e.getValue().asText()));
      v.put("Labels", labels.toString());
      return v;
    }
  }

  @Command(name = "rm", description = "Remove one or more networks", mixinStandardHelpOptions = true)
  static final class Rm extends ContainerCommands.PerContainer {
    @Option(names = {"-f", "--force"}, description = "Do not error if the network does not exist") boolean force;

    Rm(Cli cli) {
      super(cli);
    }

    @Override
    void apply(String n) throws Exception {
      try {
        api().delete("/networks/" + enc(n)).close();
      } catch (io.berth.client.ApiException e) {
        if (!(force && e.status() == 404)) {
          throw e;
        }
      }
    }
  }

  @Command(name = "prune", description = "Remove all unused networks", mixinStandardHelpOptions = true)
  static final class Prune extends Base {
    @Option(names = {"-f", "--force"}, description = "Do not prompt for confirmation") boolean force;
    @Option(names = "--filter", description = "Provide filter values (e.g. \"label=<label>\")") List<String> filters = new ArrayList<>();

    Prune(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      String q = filters.isEmpty() ? "" : "?filters=" + enc(Filters.json(filters));
      JsonNode r = api().post("/networks/prune" + q, null).json();
      if (!r.path("NetworksDeleted").isEmpty()) {
        cli.out.println("Deleted Networks:");
        r.path("NetworksDeleted").forEach(n -> cli.out.println(n.asText()));
      }
      return 0;
    }
  }

  @Command(name = "connect", description = "Connect a container to a network", mixinStandardHelpOptions = true)
  static final class Connect extends Base {
    @Option(names = "--ip", description = "IPv4 address (e.g., 172.30.100.104)") String ip;
    @Option(names = "--alias", description = "Add network-scoped alias for the container") List<String> aliases = new ArrayList<>();
    @Parameters(index = "0", paramLabel = "NETWORK") String network;
    @Parameters(index = "1", paramLabel = "CONTAINER") String container;

    Connect(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      ObjectNode b = obj().put("Container", container);
      ObjectNode ep = b.putObject("EndpointConfig");
      if (ip != null) {
        ep.putObject("IPAMConfig").put("IPv4Address", ip);
      }
      ArrayNode al = ep.putArray("Aliases");
      aliases.forEach(al::add);
      api().post("/networks/" + enc(network) + "/connect", b).close();
      return 0;
    }
  }

  @Command(name = "disconnect", description = "Disconnect a container from a network", mixinStandardHelpOptions = true)
  static final class Disconnect extends Base {
    @Option(names = {"-f", "--force"}, description = "Force the container to disconnect from a network") boolean force;
    @Parameters(index = "0", paramLabel = "NETWORK") String network;
    @Parameters(index = "1", paramLabel = "CONTAINER") String container;

    Disconnect(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      api().post("/networks/" + enc(network) + "/disconnect", obj().put("Container", container).put("Force", force)).close();
      return 0;
    }
  }
}
