package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.session.Cli;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth dashboard token [--read-only]}, {@code token ls}, {@code token rm ID...}: the login
 * tokens of berthd's web dashboard. A new token is printed once, on the last line, so scripts can
 * take it with {@code tail -1}; the daemon keeps only its hash.
 */
public final class DashboardCommands {
  private static final Map<String, String> HEADERS = Map.of("ID", "ID", "Access", "ACCESS", "Created", "CREATED");

  private DashboardCommands() {}

  public static void register(CommandLine root, Cli cli) {
    if (!cli.builds("dashboard")) {
      return;
    }
    CommandLine group = new CommandLine(new SystemCommands.Group());
    group.getCommandSpec().name("dashboard");
    group.getCommandSpec().usageMessage().description("Manage the web dashboard's login tokens");
    CommandLine token = new CommandLine(new Token(cli));
    token.addSubcommand("ls", new CommandLine(new Ls(cli)), "list");
    token.addSubcommand("rm", new CommandLine(new Rm(cli)), "remove", "revoke");
    group.addSubcommand("token", token);
    root.addSubcommand("dashboard", group);
  }

  @Command(name = "token", description = "Create a dashboard login token (printed on the last line), or list and revoke them",
      mixinStandardHelpOptions = true)
  static final class Token extends Base {
    @Option(names = "--read-only", description = "The token can look but not act (no scale, rollback, drain, remove)")
    boolean readOnly;

    Token(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      JsonNode r = api().post("/berth/dashboard/tokens", obj().put("ReadOnly", readOnly)).json();
      cli.out.println("Dashboard token " + r.path("ID").asText() + " (" + (readOnly ? "read-only" : "read-write")
          + ") created. It is shown only this once; revoke it with: berth dashboard token rm " + r.path("ID").asText());
      cli.out.println(r.path("Token").asText());
      return 0;
    }
  }

  @Command(name = "ls", description = "List dashboard tokens (never their secrets)", mixinStandardHelpOptions = true)
  static final class Ls extends Base {
    @Option(names = {"-q", "--quiet"}, description = "Only display IDs") boolean quiet;
    @Option(names = "--format", description = "Format output using a Go template (or table, json)") String format;

    Ls(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      List<JsonNode> rows = new ArrayList<>();
      api().get("/berth/dashboard/tokens").json().forEach(rows::add);
      String f = format != null && format.equals("table") ? null : format;
      print(rows, f, "table {{.ID}}\t{{.Access}}\t{{.Created}}", t -> obj().put("ID", t.path("ID").asText())
          .put("Access", t.path("ReadOnly").asBoolean() ? "read-only" : "read-write")
          .put("Created", t.path("Created").asText()), quiet, t -> t.path("ID").asText(), HEADERS);
      return 0;
    }
  }

  @Command(name = "rm", description = "Revoke dashboard tokens: they and their sessions stop working at once",
      mixinStandardHelpOptions = true)
  static final class Rm extends Base {
    @Parameters(arity = "1..*", paramLabel = "ID") List<String> ids = new ArrayList<>();

    Rm(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      for (String id : ids) {
        api().delete("/berth/dashboard/tokens/" + enc(id)).close();
        cli.out.println(id);
      }
      return 0;
    }
  }
}
