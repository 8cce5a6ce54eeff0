package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;

/**
 * How a service's tasks are replaced after its spec changes ({@code --update-*}), or rolled
 * back ({@code --rollback-*}): Docker's UpdateConfig. Times in nanoseconds as on the wire;
 * parallelism 0 means all at once.
 *
 * @param failureAction pause, continue or rollback, once more than {@code maxFailureRatio} of the
 *     replaced tasks failed within {@code monitorNanos} of starting
 * @param order stop-first (the old task stops, then the new one starts) or start-first (the new
 *     one runs before the old one stops)
 */
public record UpdateConfig(
    @JsonProperty("Parallelism") long parallelism,
    @JsonProperty("Delay") long delayNanos,
    @JsonProperty("FailureAction") String failureAction,
    @JsonProperty("Monitor") long monitorNanos,
    @JsonProperty("MaxFailureRatio") double maxFailureRatio,
    @JsonProperty("Order") String order) {
  public static final String PAUSE = "pause";
  public static final String CONTINUE = "continue";
  public static final String ROLLBACK = "rollback";
  public static final String STOP_FIRST = "stop-first";
  public static final String START_FIRST = "start-first";
  /** swarmkit's defaults, for a service whose spec has none. */
  public static final UpdateConfig DEFAULT = new UpdateConfig(1, 0, PAUSE, 5_000_000_000L, 0, STOP_FIRST);

  public UpdateConfig {
    failureAction = failureAction == null || failureAction.isEmpty() ? PAUSE : failureAction;
    order = order == null || order.isEmpty() ? STOP_FIRST : order;
    if (parallelism < 0 || delayNanos < 0 || monitorNanos < 0) {
      throw new InvalidArgumentException("update config: parallelism, delay and monitor must not be negative");
    }
    if (maxFailureRatio < 0 || maxFailureRatio > 1) {
      throw new InvalidArgumentException("update config: max failure ratio must be between 0 and 1, not "
          + maxFailureRatio);
    }
    if (!failureAction.equals(PAUSE) && !failureAction.equals(CONTINUE) && !failureAction.equals(ROLLBACK)) {
      throw new InvalidArgumentException("update config: invalid failure action '" + failureAction
          + "' (pause, continue or rollback)");
    }
    if (!order.equals(STOP_FIRST) && !order.equals(START_FIRST)) {
      throw new InvalidArgumentException("update config: invalid order '" + order + "' (stop-first or start-first)");
    }
  }

  public boolean startFirst() {
    return order.equals(START_FIRST);
  }
}
