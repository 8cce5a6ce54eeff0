package io.berth.daemon.build;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.build.executor.StepRunner;
import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.image.ImageCommitter;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.runtime.LogReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Runs a build's RUN step the way Docker's classic builder does: a real container of the daemon
 * from the step's parent image (the step's network, env, user and workdir), its output streamed
 * into the build progress as it comes, and, when it exits 0, its changes stored as a layer. The
 * container is removed whatever happens.
 */
final class ContainerStepRunner implements StepRunner {
  private final ContainerService containers;
  private final ImageCommitter committer;
  private final LogReader logs;

  ContainerStepRunner(ContainerService containers, ImageCommitter committer, LogReader logs) {
    this.containers = containers;
    this.committer = committer;
    this.logs = logs;
  }

  @Override
  public Result run(Step step, Consumer<String> out) {
    // the create body as the API would send it (no arrow to the api package: Jackson's own node factory)
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("Image", step.parent().id().toString());
    body.putArray("Entrypoint");
    ArrayNode cmd = body.putArray("Cmd");
    step.argv().forEach(cmd::add);
    ArrayNode env = body.putArray("Env");
    step.env().forEach(env::add);
    if (step.user() != null) {
      body.put("User", step.user());
    }
    if (step.workdir() != null) {
      body.put("WorkingDir", step.workdir());
    }
    ObjectNode hc = body.putObject("HostConfig").put("NetworkMode", step.network());
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
      // the changes are read before the container (and its snapshot) goes
      return code == 0 ? Result.committed(committer.ingestLayer(c.id)) : Result.failed(code);
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
