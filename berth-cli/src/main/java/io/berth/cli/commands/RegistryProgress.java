package io.berth.cli.commands;

import io.berth.cli.session.Cli;
import io.berth.client.ApiClient;
import java.io.IOException;

/**
 * Prints docker's JSON progress stream of pull and push as docker does without a terminal: one
 * line per layer event ("Pulling fs layer", "Pull complete", "Pushed", "Layer already exists")
 * and the digest/status lines; byte counts of "Downloading" are not printed. An {@code error}
 * line ends it with a non-zero exit.
 */
final class RegistryProgress {
  private RegistryProgress() {}

  /** Returns false when the stream reported an error (already printed on stderr). */
  static boolean print(ApiClient.Response r, Cli cli, boolean quiet) throws IOException {
    boolean[] failed = {false};
    r.eachJsonLine(e -> {
      if (e.has("error")) {
        cli.err.println(e.path("error").asText());
        failed[0] = true;
        return false;
      }
      String status = e.path("status").asText("");
      if (!quiet && !e.has("aux") && !status.isEmpty() && !status.equals("Downloading")) {
        String id = e.path("id").asText("");
        cli.out.println(id.isEmpty() ? status : id + ": " + status);
        cli.out.flush();
      }
      return true;
    });
    return !failed[0];
  }
}
