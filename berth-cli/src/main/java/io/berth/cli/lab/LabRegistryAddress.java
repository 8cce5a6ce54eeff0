package io.berth.cli.lab;

import io.berth.cli.session.Cli;
import picocli.CommandLine.Command;

/** {@code berth lab registry}: the HOST:PORT of the lab's registry, for tags and pushes. */
@Command(name = "registry", mixinStandardHelpOptions = true, description = "Print the HOST:PORT of the lab's registry")
final class LabRegistryAddress extends LabOptions {
  LabRegistryAddress(Cli cli) {
    super(cli);
  }

  @Override
  public Integer call() {
    LabPaths paths = paths();
    LabState lab = paths.state();
    if (lab.registryPort() == 0) {
      throw new LabException("lab " + lab.name() + " has no registry (its up did not get that far): remove it with berth lab down");
    }
    if (!LabRegistry.alive(paths, lab)) {
      cli.err.println("berth: warning: the registry of lab " + lab.name() + " is not running (pid " + lab.registryPid() + ")");
    }
    cli.out.println(lab.registry());
    return 0;
  }
}
