package io.berth.daemon.build;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.records.RecordJson;
import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.image.ImageCommitter;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.runtime.LogReader;
import io.berth.store.image.Image;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Runs one RUN step the way Docker's classic builder does: a real container from the step's
 * parent image (default bridge network, the stage's env, ARGs, user and workdir), its output
 * streamed into the build progress as it comes, and, when it exits 0, its changes committed as
 * the step's image. The container is removed whatever happens.
 */
final class StepRunner {
  private final ContainerService containers;
  private final ImageCommitter committer;
  private final LogReader logs;

  StepRunner(ContainerService containers, ImageCommitter committer, LogReader logs) {
    this.containers = containers;
    this.committer = committer;
    this.logs = logs;
  }

  Image run(BuildState state, List<String> argv, String createdBy, Map<String, String> buildArgs,
      String networkMode, Consumer<String> out) {
    ObjectNode body = RecordJson.object();
    body.put("Image", state.imageId);
    body.putArray("Entrypoint");
    ArrayNode cmd = body.putArray("Cmd");
    argv.forEach(cmd::add);
    ArrayNode env = body.putArray("Env");
    state.env.forEach((k, v) -> env.add(k + "=" + v));
    buildArgs.forEach((k, v) -> {
      if (!state.env.containsKey(k)) {
        env.add(k + "=" + v);
      }
    });
    if (state.user != null) {
      body.put("User", state.user);
    }
    if (state.workdir != null) {
      body.put("WorkingDir", state.workdir);
    }
    ObjectNode hc = body.putObject("HostConfig").put("NetworkMode", networkMode);
    hc.putObject("LogConfig").put("Type", "json-file"); // the build shows the output whatever the daemon's default
    Container c = containers.create(null, body);
    try {
      out.accept(" ---> Running in " + c.id.substring(0, 12) + "\n");
      CompletableFuture<Integer> exit = containers.waitFor(c.id, "next-exit");
      containers.start(c.id);
      Thread reader = Thread.ofVirtual().start(() -> {
        try {
          logs.read(containers.logPath(c), -1, null, null, true, () -> !exit.isDone(), e -> {
            out.accept(new String(e.data(), StandardCharsets.UTF_8));
            return true;
          });
        } catch (InterruptedException ignored) {
          Thread.currentThread().interrupt();
        }
      });
      int code = exit.get();
      reader.join(5000);
      if (code != 0) {
        throw new InvalidArgumentException("The command '" + String.join(" ", argv) + "' returned a non-zero code: "
            + code);
      }
      return committer.commit(c, state.config(), createdBy, null, null, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InvalidArgumentException("build interrupted");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof BerthException be ? be : new InvalidArgumentException("RUN failed: " + e.getCause());
    } finally {
      try {
        containers.remove(c.id, true, true);
      } catch (RuntimeException ignored) {
        // already gone
      }
      out.accept("Removing intermediate container " + c.id.substring(0, 12) + "\n");
    }
  }
}
