package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.session.Cli;
import io.berth.client.ApiClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Waits after {@code service create|update|scale} until the service has converged, as docker
 * does unless {@code --detach}: every desired task running (a job: every task complete), read
 * from {@code GET /tasks} each half second. Docker draws a bar per task; this prints one
 * progress line ({@code overall progress: 2 out of 3 tasks}), redrawn in place on a terminal
 * and written again only when it changes otherwise. The wait is bounded: past the limit it fails
 * naming how far the service got.
 */
final class Convergence {
  static final Duration LIMIT = Duration.ofMinutes(5);
  private static final Duration POLL = Duration.ofMillis(500);
  private final ApiClient api;
  private final Cli cli;
  private final boolean quiet;

  Convergence(ApiClient api, Cli cli, boolean quiet) {
    this.api = api;
    this.cli = cli;
    this.quiet = quiet;
  }

  /**
   * Tasks done against tasks wanted; a global service's count is only known once the
   * orchestrator made its tasks (one per eligible node), so none yet is not convergence.
   */
  record Progress(int done, int wanted, boolean job, String error, boolean known) {
    boolean converged() {
      return known && done >= wanted;
    }

    String line() {
      return "overall progress: " + done + " out of " + wanted + " tasks" + (error.isEmpty() ? "" : " (last error: " + error + ")");
    }
  }

  /** Returns 0 once converged; throws when the limit passed first. */
  int await(String serviceId) throws IOException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    long tries = LIMIT.toMillis() / POLL.toMillis() + 1;
    String shown = null;
    boolean tty = cli.stdoutIsTerminal();
    Progress p = null;
    for (long i = 0; i < tries; i++) {
      p = progress(serviceId);
      if (!quiet && !p.line().equals(shown)) {
        cli.out.print(tty ? "\r\033[K" + p.line() : p.line() + "\n");
        cli.out.flush();
        shown = p.line();
      }
      if (p.converged()) {
        if (!quiet) {
          cli.out.print(tty ? "\n" : "");
          cli.out.println("verify: Service " + serviceId + " converged");
        }
        return 0;
      }
      if (System.nanoTime() > deadline) {
        break;
      }
      sleep();
    }
    if (tty && !quiet) {
      cli.out.println();
    }
    throw new IllegalStateException("service " + serviceId + " did not converge within " + LIMIT.toMinutes() + " minutes: "
        + (p == null ? "no answer" : p.done() + " of " + p.wanted() + " tasks " + (p.job() ? "complete" : "running"))
        + "; see berth service ps " + serviceId);
  }

  Progress progress(String serviceId) throws IOException {
    JsonNode service;
    try (ApiClient.Response r = api.get("/services/" + serviceId)) {
      service = r.json();
    }
    List<JsonNode> tasks = new ArrayList<>();
    String filter = "{\"service\":{\"" + serviceId + "\":true}}";
    try (ApiClient.Response r = api.get("/tasks?filters=" + io.berth.cli.commands.Base.enc(filter))) {
      r.json().forEach(tasks::add);
    }
    return progress(service, tasks);
  }

  /** How far {@code service} got, from its tasks (pure, for tests). */
  static Progress progress(JsonNode service, List<JsonNode> tasks) {
    JsonNode mode = service.path("Spec").path("Mode");
    boolean job = mode.has("ReplicatedJob") || mode.has("GlobalJob");
    int running = 0;
    int complete = 0;
    int desired = 0;
    String error = "";
    for (JsonNode t : tasks) {
      String want = t.path("DesiredState").asText();
      String state = t.path("Status").path("State").asText();
      if (!t.path("Status").path("Err").asText().isEmpty()) {
        error = t.path("Status").path("Err").asText();
      }
      if (want.equals("running") || want.equals("complete")) {
        desired++;
        if (state.equals("running")) {
          running++;
        } else if (state.equals("complete")) {
          complete++;
        }
      }
    }
    if (mode.has("Replicated")) {
      int replicas = mode.path("Replicated").path("Replicas").asInt(1);
      return new Progress(Math.min(running, replicas), replicas, false, running >= replicas ? "" : error, true);
    }
    if (mode.has("ReplicatedJob")) {
      int total = mode.path("ReplicatedJob").path("TotalCompletions").asInt(1);
      return new Progress(Math.min(complete, total), total, true, complete >= total ? "" : error, true);
    }
    int done = job ? complete : running;
    return new Progress(done, desired, job, done >= desired ? "" : error, desired > 0);
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the service to converge");
    }
  }
}
