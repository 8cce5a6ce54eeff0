package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.session.Cli;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Prints docker's JSON progress stream of pull and push as docker does without a terminal: one
 * line per layer event ("Pulling fs layer", "Pull complete", "Pushed", "Layer already exists")
 * and the digest/status lines; byte counts of "Downloading" are not printed. An {@code error}
 * line ends it with a non-zero exit.
 */
final class RegistryProgress {
  private RegistryProgress() {}

  /** Returns false when the stream reported an error (already printed on stderr). */
  static boolean print(InputStream body, Cli cli, boolean quiet) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    String line;
    while ((line = r.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode e = Base.JSON.readTree(line);
      if (e.has("error")) {
        cli.err.println(e.path("error").asText());
        return false;
      }
      String status = e.path("status").asText("");
      if (quiet || e.has("aux") || status.isEmpty() || status.equals("Downloading")) {
        continue;
      }
      String id = e.path("id").asText("");
      cli.out.println(id.isEmpty() ? status : id + ": " + status);
      cli.out.flush();
    }
    return true;
  }
}
