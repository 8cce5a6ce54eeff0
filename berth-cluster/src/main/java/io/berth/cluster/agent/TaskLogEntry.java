package io.berth.cluster.agent;

import java.time.Instant;

/**
 * One entry of a task's log: the task, which stream, when, and the bytes as the container wrote
 * them (with the trailing newline of a complete line). The lead merges entries of every node's
 * tasks for {@code docker service logs}.
 */
public record TaskLogEntry(String taskId, Stream stream, Instant time, byte[] data) {
  public enum Stream { STDOUT, STDERR }
}
