package io.berth.build.executor;

import io.berth.oci.Digest;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs a RUN step: the command in a fresh container of the step's parent image, whose changes,
 * when it exits 0, become a stored layer. The container is gone when this returns, whatever
 * happened. A daemon runs it with its own runtime; a cluster could run it on any node that
 * shares the image storage.
 */
public interface StepRunner {

  /**
   * @param out the build's progress: the command's output as it comes, and the runner's own
   *            lines (Docker's {@code " ---> Running in <id>"}, {@code "Removing intermediate container <id>"})
   * @return the exit code, and the layer of the changes when it is 0
   */
  Result run(Step step, Consumer<String> out);

  /**
   * What to run and how.
   *
   * @param env     {@code NAME=value} entries: the stage's ENV, then the ARGs in scope that ENV does not set
   * @param user    the stage's USER, or null for the image's default
   * @param workdir the stage's WORKDIR, or null
   * @param network bridge, host or none
   */
  record Step(BuildImage parent, List<String> argv, List<String> env, String user, String workdir, String network) {
    public Step {
      argv = List.copyOf(argv);
      env = List.copyOf(env);
    }
  }

  /** How the command ended; {@code layer} is set exactly when {@code exitCode} is 0. */
  record Result(int exitCode, Digest layer) {
    public Result {
      if ((exitCode == 0) != (layer != null)) {
        throw new IllegalArgumentException("a RUN result has a layer exactly when it exited 0 (exit " + exitCode + ")");
      }
    }

    public static Result committed(Digest layer) {
      return new Result(0, Objects.requireNonNull(layer, "layer"));
    }

    public static Result failed(int exitCode) {
      return new Result(exitCode, null);
    }
  }
}
