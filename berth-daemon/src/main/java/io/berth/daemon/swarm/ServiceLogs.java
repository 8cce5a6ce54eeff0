package io.berth.daemon.swarm;

import java.io.IOException;
import java.time.Instant;

/**
 * {@code docker service logs}: the logs of a service's tasks (or of one task), gathered from the
 * nodes that ran them. The route resolves the service or task and writes Docker's frames with the
 * {@code com.docker.swarm.*} details the CLI parses; this interface only fetches lines.
 */
public interface ServiceLogs {

  /**
   * What to read: {@code taskId} null for every task of {@code serviceId}.
   *
   * @param tail lines per task from the end, -1 for all
   * @param since lines from this time on, null for all
   * @param until lines up to this time, null for no end
   */
  record Request(String serviceId, String taskId, boolean follow, Instant since, Instant until, int tail,
      boolean stdout, boolean stderr) {}

  /** One log line of one task, as the node that ran it recorded it. */
  record Line(String nodeId, String taskId, boolean stderr, Instant time, byte[] data) {}

  /** Where lines go; {@code accept} false when the client went away, so the reading stops. */
  interface Sink {
    boolean accept(Line line);

    /** Every line there is now has been given (follow goes on waiting after this). */
    void caughtUp();

    /**
     * Some logs could not be read (a node down, a task never scheduled): Docker's "incomplete log
     * stream" warning, given after the lines that could be read.
     */
    void incomplete(String warning);
  }

  /** Streams the lines until all are read (or, with follow, until the sink refuses one). */
  void stream(Request request, Sink sink) throws IOException, InterruptedException;
}
