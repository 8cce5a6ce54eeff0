package io.berth.cli.lab;

import io.berth.cli.session.Cli;
import picocli.CommandLine.Command;

/** {@code berth lab down}: removes the lab and everything it made. */
@Command(name = "down", mixinStandardHelpOptions = true, description = "Stop a lab and remove everything it made")
final class LabDown extends LabOptions {
  LabDown(Cli cli) {
    super(cli);
  }

  @Override
  public Integer call() {
    LabPaths paths = paths();
    requireRoot("down");
    LabState lab = paths.state();
    LabTeardown.down(paths, lab);
    cli.out.println("lab " + lab.name() + " removed");
    return 0;
  }
}
