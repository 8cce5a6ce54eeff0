package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.commands.Base;
import io.berth.cli.session.Cli;
import io.berth.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code service rollback}: docker's server-side rollback: the service's current spec sent
 * back with {@code rollback=previous} and its version, so the daemon restores the previous spec
 * with the service's rollback settings (or refuses when there is none), then the wait for the
 * service to converge unless {@code --detach}.
 */
@Command(name = "rollback", description = "Revert changes to a service's configuration", mixinStandardHelpOptions = true)
final class ServiceRollback extends Base {
  @Option(names = {"-d", "--detach"}, description = "Exit immediately instead of waiting for the service to converge") boolean detach;
  @Option(names = {"-q", "--quiet"}, description = "Suppress progress output") boolean quiet;
  @Parameters(index = "0", paramLabel = "SERVICE") String service;

  ServiceRollback(Cli cli) {
    super(cli);
  }

  @Override
  public Integer call() throws Exception {
    JsonNode current;
    try (ApiClient.Response r = api().get("/services/" + enc(service) + "?insertDefaults=false")) {
      current = r.json();
    }
    String id = current.path("ID").asText();
    try (ApiClient.Response r = api().post("/services/" + id + "/update?rollback=previous&version="
        + current.path("Version").path("Index").asLong(), current.path("Spec"))) {
      r.json().path("Warnings").forEach(w -> cli.err.println(w.asText()));
    }
    cli.out.println(service);
    return detach ? 0 : new Convergence(api(), cli, quiet).await(id);
  }
}
