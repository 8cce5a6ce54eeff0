package io.berth.cli.lab;

import io.berth.cli.session.Cli;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth lab up}: plans the lab (names and addresses), records the plan, then makes the
 * network, the registry and the nodes, and forms their swarm; if a step fails, what was made is
 * removed again.
 */
@Command(name = "up", mixinStandardHelpOptions = true, description = "Create a lab and start its nodes")
final class LabUp extends LabOptions {
  @Option(names = "--nodes", required = true, paramLabel = "N", description = "Number of nodes (1-16)")
  int nodes;

  @Option(names = "--managers", paramLabel = "M", defaultValue = "1",
      description = "Swarm managers among the nodes (default: ${DEFAULT-VALUE}); 0 starts the engines without a swarm")
  int managers;

  LabUp(Cli cli) {
    super(cli);
  }

  @Override
  public Integer call() throws Exception {
    if (nodes < 1 || nodes > LabPlanner.MAX_NODES) {
      throw new LabException("--nodes must be 1 to " + LabPlanner.MAX_NODES + ", not " + nodes);
    }
    if (managers < 0 || managers > nodes) {
      throw new LabException("--managers must be 0 to the number of nodes (" + nodes + "), not " + managers);
    }
    LabPaths paths = paths();
    requireRoot("up");
    LabState lab = plan(paths);
    try {
      LabNetwork.createBridge(lab);
      for (LabState.Node node : lab.nodes()) {
        LabNetwork.createNode(lab, paths, node);
      }
      lab = LabRegistry.start(paths, lab);
      lab.write(paths.stateFile());
      LabState withRegistry = lab;
      List<NodeDaemon> daemons = lab.nodes().stream().map(n -> new NodeDaemon(paths, withRegistry, n)).toList();
      daemons.forEach(NodeDaemon::start);
      daemons.forEach(NodeDaemon::awaitReady);
      if (managers > 0) {
        LabSwarm.form(paths, lab, managers);
      }
    } catch (RuntimeException | IOException e) {
      cli.err.println("berth: lab " + lab.name() + " failed to come up: " + e.getMessage());
      cli.err.println("berth: removing what was made");
      LabTeardown.down(paths, lab);
      return 1;
    }
    cli.out.println("lab " + lab.name() + " is up: " + lab.nodes().size() + " nodes"
        + (managers > 0 ? " in a swarm (" + managers + (managers == 1 ? " manager" : " managers") + ")" : "")
        + ", registry " + lab.registry());
    new LabLs(cli).print(paths, lab, null);
    return 0;
  }

  /** The planning lock, waited for a bounded time (another up holds it only while it plans). */
  private static FileLock lock(FileChannel ch, LabPaths paths) {
    FileLock[] held = new FileLock[1];
    Waits.until(java.time.Duration.ofSeconds(30), () -> {
      try {
        held[0] = ch.tryLock();
      } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
        throw new LabException("cannot lock " + paths.lock() + ": " + e.getMessage());
      }
      return held[0] != null;
    });
    if (held[0] == null) {
      throw new LabException("another berth lab up has held " + paths.lock() + " for 30s");
    }
    return held[0];
  }

  /** Chooses the lab's number and names and records them, under a lock so two ups do not pick the same. */
  private LabState plan(LabPaths paths) throws IOException {
    Files.createDirectories(paths.root());
    try (FileChannel ch = FileChannel.open(paths.lock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = lock(ch, paths)) {
      if (Files.exists(paths.dir())) {
        throw new LabException("lab " + paths.lab() + " exists (" + paths.dir() + "): remove it first with berth lab down --name "
            + paths.lab());
      }
      LabState lab = LabPlanner.plan(paths, nodes);
      Files.createDirectories(paths.dir());
      lab.write(paths.stateFile());
      return lab;
    }
  }
}
