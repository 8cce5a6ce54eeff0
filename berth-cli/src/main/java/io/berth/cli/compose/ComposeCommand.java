package io.berth.cli.compose;

import io.berth.cli.session.Cli;
import io.berth.compose.Project;
import io.berth.compose.ProjectLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth compose}: the project options every subcommand shares ({@code -f}, {@code -p},
 * {@code --profile}, {@code --env-file}, {@code --project-directory}) and the subcommands.
 */
@Command(name = "compose", description = "Define and run multi-container applications (compose files)",
    mixinStandardHelpOptions = true)
public final class ComposeCommand implements Callable<Integer> {
  final Cli cli;
  @Option(names = {"-f", "--file"}, description = "Compose configuration files") List<Path> files = new ArrayList<>();
  @Option(names = {"-p", "--project-name"}, description = "Project name") String projectName;
  @Option(names = "--profile", description = "Specify a profile to enable") List<String> profiles = new ArrayList<>();
  @Option(names = "--env-file", description = "Specify an alternate environment file") Path envFile;
  @Option(names = "--project-directory", description = "Specify an alternate working directory") Path projectDir;
  @Option(names = "--dry-run", description = "Execute command in dry run mode: print what up or run would do") boolean dryRun;
  private CommandLine self;

  private ComposeCommand(Cli cli) {
    this.cli = cli;
  }

  public static void register(CommandLine root, Cli cli) {
    if (!cli.builds("compose")) {
      return;
    }
    ComposeCommand c = new ComposeCommand(cli);
    CommandLine group = new CommandLine(c);
    c.self = group;
    ComposeCommands.register(group, c);
    root.addSubcommand("compose", group);
  }

  @Override
  public Integer call() {
    self.usage(cli.out);
    return 0;
  }

  Project project() {
    Path dir = projectDir != null ? projectDir : Path.of(System.getProperty("user.dir"));
    return ProjectLoader.load(new ProjectLoader.Options(files, projectName, profiles, envFile, dir, Map.copyOf(cli.env)));
  }

  /** Runs another berth command in-process against the same daemon (exec, start -a). */
  int delegate(List<String> args) {
    List<String> all = new ArrayList<>(List.of("-H", cli.host()));
    all.addAll(args);
    return cli.runNested(all.toArray(String[]::new));
  }
}
