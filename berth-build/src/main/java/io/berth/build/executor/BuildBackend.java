package io.berth.build.executor;

/**
 * Everything the Dockerfile executor needs from whoever hosts it, in four roles: images to start
 * from and to store into, a way to run RUN steps, a read view of image files, and the step cache.
 * The daemon implements them with its stores and runtime; tests with in-memory fakes.
 */
public record BuildBackend(BuildImages images, StepRunner runner, ImageFiles files, StepCache cache) {}
