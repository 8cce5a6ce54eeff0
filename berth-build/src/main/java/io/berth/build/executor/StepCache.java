package io.berth.build.executor;

/**
 * The build cache as the builder uses it: a step's key (its parent image, the instruction and
 * its inputs, see {@link StepKey}) to the image the step produced. Shared by every build of a
 * daemon; a cluster could share it between nodes that share images.
 */
public interface StepCache {

  /** The image a step with {@code key} produced before, or null when none was recorded or that image is gone. */
  BuildImage lookup(String key);

  /** Remembers that the step with {@code key} produced {@code image} (which is then an intermediate image). */
  void record(String key, BuildImage image);
}
