package io.berth.build.executor;

import io.berth.build.context.ContextArchive;
import io.berth.build.context.DockerIgnore;
import io.berth.build.dockerfile.InstructionFactory;
import io.berth.errdefs.InvalidArgumentException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * Builds a Dockerfile as Docker's classic builder does ({@code docker build} with
 * {@code DOCKER_BUILDKIT=0}): stages split at FROM, only the stages the target needs are built,
 * every step yields an image that the step cache remembers under (parent image, instruction,
 * its inputs), RUN steps run through the host's {@link StepRunner}, COPY/ADD build layers
 * straight from the context. Nothing is tagged unless every step succeeded. What it needs of its
 * host is a {@link BuildBackend}; it keeps no state between builds and serves several at once.
 */
public final class DockerfileExecutor {
  private final BuildBackend backend;
  private final Path scratch;
  private final Clock clock;

  /**
   * @param scratch where steps stage files (COPY layers, ADD downloads); a private directory of the host
   * @param clock   the time the images' created and history entries carry
   */
  public DockerfileExecutor(BuildBackend backend, Path scratch, Clock clock) {
    this.backend = backend;
    this.scratch = scratch;
    this.clock = clock;
  }

  /**
   * Builds {@code req}, writing Docker's progress lines ({@code Step 1/3 : ...}, {@code ---> id})
   * to {@code out}; returns the final image, tagged as asked.
   */
  public BuildImage build(BuildRequest req, Consumer<String> out) {
    String name = req.dockerfile() == null || req.dockerfile().isEmpty() ? "Dockerfile" : req.dockerfile();
    String text = ContextArchive.read(req.context(), name);
    if (text == null) {
      throw new InvalidArgumentException("Cannot locate specified Dockerfile: " + name);
    }
    String ignoreText = ContextArchive.read(req.context(), ".dockerignore");
    DockerIgnore ignore = ignoreText == null ? DockerIgnore.none() : DockerIgnore.parse(ignoreText);
    InstructionFactory.Dockerfile dockerfile = InstructionFactory.read(name, text);
    Stages stages = Stages.split(dockerfile.instructions(), req.target());
    return new BuildRun(backend, new Scratch(scratch), clock, req, ignore, stages, dockerfile.escape(), out).run();
  }
}
