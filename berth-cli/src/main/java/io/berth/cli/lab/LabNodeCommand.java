package io.berth.cli.lab;

import io.berth.cli.session.Cli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code berth lab kill|start|disconnect|connect NODE}: failure drills on one node. */
abstract class LabNodeCommand extends LabOptions {
  @Parameters(index = "0", paramLabel = "NODE", description = "The node (as lab ls names it)")
  String nodeName;

  LabNodeCommand(Cli cli) {
    super(cli);
  }

  NodeDaemon daemon() {
    LabPaths paths = paths();
    LabState lab = paths.state();
    return new NodeDaemon(paths, lab, lab.node(nodeName));
  }

  @Command(name = "kill", mixinStandardHelpOptions = true,
      description = "kill -9 a node's berthd (its containers keep running, as after a crash)")
  static final class Kill extends LabNodeCommand {
    Kill(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      requireRoot("kill");
      NodeDaemon d = daemon();
      if (!d.alive()) {
        throw new LabException("node " + nodeName + " is not running");
      }
      d.kill();
      cli.out.println(nodeName);
      return 0;
    }
  }

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Start a node's berthd again on its roots (it adopts the containers still running)")
  static final class Start extends LabNodeCommand {
    Start(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      requireRoot("start");
      NodeDaemon d = daemon();
      d.start();
      d.awaitReady();
      cli.out.println(nodeName);
      return 0;
    }
  }

  @Command(name = "disconnect", mixinStandardHelpOptions = true,
      description = "Cut a node off the lab bridge (its berthd and containers run on, unreachable)")
  static final class Disconnect extends LabNodeCommand {
    Disconnect(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      requireRoot("disconnect");
      LabState lab = paths().state();
      LabNetwork.disconnect(lab, lab.node(nodeName));
      cli.out.println(nodeName);
      return 0;
    }
  }

  @Command(name = "connect", mixinStandardHelpOptions = true, description = "Put a disconnected node back on the lab bridge")
  static final class Connect extends LabNodeCommand {
    Connect(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      requireRoot("connect");
      LabState lab = paths().state();
      LabNetwork.connect(lab, lab.node(nodeName));
      cli.out.println(nodeName);
      return 0;
    }
  }
}
