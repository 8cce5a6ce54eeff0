package io.berth.build.executor;

import io.berth.oci.Digest;
import java.nio.charset.StandardCharsets;

/**
 * The build cache's key of a step: its parent image and what the step did with which inputs
 * (expanded arguments, the ARG values a RUN sees, the content hash of what a COPY copies), so a
 * change in any of them misses from that step on.
 */
final class StepKey {
  private StepKey() {}

  static String of(BuildImage parent, String step) {
    return Digest.sha256((parent.id() + "\n" + step).getBytes(StandardCharsets.UTF_8)).hex();
  }
}
