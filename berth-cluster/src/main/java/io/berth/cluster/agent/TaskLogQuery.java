package io.berth.cluster.agent;

import java.time.Instant;

/**
 * Which part of a task's log {@code docker service logs} asks for: the last {@code tail} lines
 * (negative: all), entries at or after {@code since} and before {@code until} (null: open), and
 * with {@code follow}, new entries as they come while the task's container runs.
 */
public record TaskLogQuery(int tail, Instant since, Instant until, boolean follow) {
  public static final TaskLogQuery ALL = new TaskLogQuery(-1, null, null, false);
}
