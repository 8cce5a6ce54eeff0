package io.berth.cli.lab;

import io.berth.cli.session.Cli;
import io.berth.cli.session.DaemonFree;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code berth lab up|ls|registry|kill|start|disconnect|connect|down}: a cluster of berthd nodes on one machine,
 * one network namespace each, for trying and testing multi-node features (docs/guide/lab.md).
 */
public final class LabCommands {
  private LabCommands() {}

  public static void register(CommandLine root, Cli cli) {
    if (!cli.builds("lab")) {
      return;
    }
    CommandLine group = new CommandLine(new Group());
    group.addSubcommand("up", new CommandLine(new LabUp(cli)));
    group.addSubcommand("ls", new CommandLine(new LabLs(cli)));
    group.addSubcommand("registry", new CommandLine(new LabRegistryAddress(cli)));
    group.addSubcommand("kill", new CommandLine(new LabNodeCommand.Kill(cli)));
    group.addSubcommand("start", new CommandLine(new LabNodeCommand.Start(cli)));
    group.addSubcommand("disconnect", new CommandLine(new LabNodeCommand.Disconnect(cli)));
    group.addSubcommand("connect", new CommandLine(new LabNodeCommand.Connect(cli)));
    group.addSubcommand("down", new CommandLine(new LabDown(cli)));
    root.addSubcommand("lab", group);
  }

  @Command(name = "lab", mixinStandardHelpOptions = true, description = "Run a cluster of Berth nodes on this machine (one network namespace each)")
  static final class Group implements Runnable, DaemonFree {
    @Override
    public String withoutDaemon() {
      return "which talks to no daemon of yours: each node's socket is in berth lab ls";
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
  }
}
