package io.berth.cli;

import io.berth.cli.commands.ContainerCommands;
import io.berth.cli.commands.ImageCommands;
import io.berth.cli.commands.RunCommand;
import io.berth.cli.commands.SystemCommands;
import io.berth.cli.commands.VolumeCommands;
import io.berth.cli.session.Cli;
import io.berth.cli.session.DaemonFree;
import io.berth.cli.session.ExitCodes;
import io.berth.cli.session.RootCommand;
import io.berth.cli.session.Version;
import io.berth.client.ApiException;
import io.berth.client.DaemonUnreachableException;
import io.berth.client.tls.TlsOptions;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth}: the docker-like client of berthd. */
@Command(name = "berth", description = "A container engine: the Berth CLI (speaks the Docker Engine API).",
    usageHelpAutoWidth = true)
public final class Main implements Runnable, RootCommand {

  @Option(names = {"-H", "--host"}, description = "Daemon socket to connect to (default: $BERTH_HOST, $DOCKER_HOST, "
      + Cli.DEFAULT_HOST + ")", scope = CommandLine.ScopeType.INHERIT)
  String host;

  @Option(names = "--tls", description = "Use TLS; implied by --tlsverify")
  boolean tls;

  @Option(names = "--tlsverify", description = "Use TLS and verify the remote")
  boolean tlsVerify;

  @Option(names = "--tlscacert", paramLabel = "string", description = "Trust certs signed only by this CA (default \"$DOCKER_CERT_PATH/ca.pem\")")
  String tlsCaCert;

  @Option(names = "--tlscert", paramLabel = "string", description = "Path to TLS certificate file (default \"$DOCKER_CERT_PATH/cert.pem\")")
  String tlsCert;

  @Option(names = "--tlskey", paramLabel = "string", description = "Path to TLS key file (default \"$DOCKER_CERT_PATH/key.pem\")")
  String tlsKey;

  @Option(names = {"-v", "--version"}, description = "Print version information and quit")
  boolean version;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print usage")
  boolean help;

  private final Cli cli;
  private CommandLine self;

  Main(Cli cli) {
    this.cli = cli;
  }

  @Override
  public void run() {
    if (version) {
      cli.out.println("Berth version " + Version.NUMBER + ", build " + Version.build());
      return;
    }
    self.usage(cli.out);
  }

  /** Runs the CLI in-process and returns the exit code (docker's: 1 for errors, 125 for run failures). */
  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
    Cli cli = new Cli(in, out, err, env);
    cli.nested(Main::run);
    Main main = new Main(cli);
    String named = commandName(args);
    // `berth --version` names no command and needs none: build the root alone
    boolean versionOnly = named == null && java.util.Arrays.stream(args).anyMatch(a -> a.equals("--version") || a.equals("-v"))
        && java.util.Arrays.stream(args).noneMatch(a -> a.equals("--help") || a.equals("-h"));
    cli.only(versionOnly ? "" : named);
    CommandLine built = commands(main, cli);
    if (named != null && !built.getSubcommands().containsKey(named)) {
      cli.only(null); // not a command's name (a typo, "help"): the full tree answers it
      built = commands(main, cli);
    }
    CommandLine cl = built;
    // after registration: picocli hands the streams only to subcommands that already exist
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setUsageHelpAutoWidth(true);
    cl.setExecutionStrategy(parsed -> {
      String refused = daemonOptionRefused(parsed);
      if (refused != null) {
        err.println("berth: " + refused);
        return 125;
      }
      cli.hostFlag(main.host);
      cli.tlsFlags(new TlsOptions.Flags(main.tls, main.tlsVerify, main.tlsCaCert, main.tlsCert, main.tlsKey));
      return new CommandLine.RunLast().execute(parsed);
    });
    cl.setParameterExceptionHandler((ex, a) -> {
      if (ex instanceof CommandLine.UnmatchedArgumentException u && ex.getCommandLine() == cl
          && !u.getUnmatched().isEmpty() && !u.getUnmatched().getFirst().startsWith("-")) {
        err.println("berth: '" + u.getUnmatched().getFirst() + "' is not a berth command.");
        err.println("See 'berth --help'");
        return 1;
      }
      err.println("berth: " + ex.getMessage());
      err.println("See '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      return 125;
    });
    cl.setExecutionExceptionHandler((thrown, cmd, parsed) -> {
      Exception ex = thrown instanceof java.io.UncheckedIOException u ? u.getCause() : thrown;
      String name = cmd.getCommandName();
      // docker run/create (also under container) report 125; service create is an ordinary command
      String parent = cmd.getParent() == null ? "" : cmd.getParent().getCommandName();
      boolean runLike = (name.equals("run") || name.equals("create")) && (parent.equals("berth") || parent.equals("container"));
      if (ex instanceof DaemonUnreachableException) {
        err.println(ex.getMessage());
        return 1;
      }
      if (ex instanceof ApiException api) {
        err.println((runLike ? "berth: " : "") + "Error response from daemon: " + api.getMessage());
        return runLike ? ExitCodes.forRunFailure(api.getMessage()) : 1;
      }
      // anything else is still reported in one line, never as a stack trace
      String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
      err.println("berth: " + msg);
      return runLike ? 125 : 1;
    });
    return cl.execute(args);
  }

  private static final String[] DAEMON_OPTIONS = {"--host", "--tls", "--tlsverify", "--tlscacert", "--tlscert", "--tlskey"};

  /** The refusal when a daemon option is given to a {@link DaemonFree} command, else null. */
  static String daemonOptionRefused(CommandLine.ParseResult parsed) {
    DaemonFree free = null;
    String option = null;
    String command = "berth";
    for (CommandLine.ParseResult pr = parsed; pr != null; pr = pr.subcommand()) {
      if (pr.commandSpec().userObject() instanceof DaemonFree f) {
        free = f;
        command = pr.commandSpec().qualifiedName();
      }
      for (String o : DAEMON_OPTIONS) {
        if (option == null && pr.hasMatchedOption(o)) {
          option = o;
        }
      }
    }
    return free == null || option == null ? null : option + " does not apply to " + command + ", " + free.withoutDaemon();
  }

  /** The command tree, with the top-level commands {@code cli} builds. */
  static CommandLine commands(Main main, Cli cli) {
    CommandLine cl = new CommandLine(main);
    main.self = cl;
    SystemCommands.register(cl, cli);
    ContainerCommands.register(cl, cli);
    RunCommand.register(cl, cli);
    ImageCommands.register(cl, cli);
    VolumeCommands.register(cl, cli);
    io.berth.cli.commands.NetworkCommands.register(cl, cli);
    io.berth.cli.compose.ComposeCommand.register(cl, cli);
    io.berth.cli.commands.RegistryCommands.register(cl, cli);
    io.berth.cli.commands.LoginCommands.register(cl, cli);
    io.berth.cli.commands.ImageCommands.registerBuild(cl, cli);
    io.berth.cli.lab.LabCommands.register(cl, cli);
    io.berth.cli.swarm.SwarmCommands.register(cl, cli);
    io.berth.cli.swarm.NodeCommands.register(cl, cli);
    io.berth.cli.swarm.PayloadCommands.register(cl, cli);
    io.berth.cli.swarm.ServiceCommands.register(cl, cli);
    io.berth.cli.swarm.StackCommands.register(cl, cli);
    io.berth.cli.commands.DashboardCommands.register(cl, cli);
    // the container's command follows the image: flags after it belong to the command, as in docker
    for (String name : new String[] {"run", "create", "exec"}) {
      Optional.ofNullable(cl.getSubcommands().get(name)).ifPresent(c -> c.setStopAtPositional(true));
    }
    Optional.ofNullable(cl.getSubcommands().get("container").getSubcommands().get("exec"))
        .ifPresent(c -> c.setStopAtPositional(true));
    return cl;
  }

  /** Options of berth itself that take a value, so the word after them is not the command. */
  private static final Set<String> VALUED = Set.of("-H", "--host", "--tlscacert", "--tlscert", "--tlskey");

  /** The top-level command a command line names: its first word after berth's own options, or null. */
  static String commandName(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--")) {
        return null;
      }
      if (VALUED.contains(a)) {
        i++;
      } else if (!a.startsWith("-")) {
        return a;
      }
    }
    return null;
  }

  public static void main(String[] args) {
    int code = run(args, System.in, System.out, System.err, System.getenv());
    System.out.flush();
    System.exit(code);
  }
}
