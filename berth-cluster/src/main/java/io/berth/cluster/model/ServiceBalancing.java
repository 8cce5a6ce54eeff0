package io.berth.cluster.model;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.overlay.Balancing;
import java.util.Map;

/**
 * How a service's virtual IP and routing-mesh ports pick a task for a new connection: Berth's
 * label {@value #LABEL} on the service spec, {@code roundrobin} (the default) or
 * {@code leastconn} (decision 0045). Docker's service API has no such field, so it lives in a
 * label, checked when the service is created or updated.
 */
public final class ServiceBalancing {
  public static final String LABEL = "io.berth.lb";

  private ServiceBalancing() {}

  /** The algorithm the labels ask for, round robin without the label; any other value refused naming it. */
  public static Balancing of(Map<String, String> labels) {
    String value = labels == null ? null : labels.get(LABEL);
    if (value == null) {
      return Balancing.ROUND_ROBIN;
    }
    if (value.isEmpty()) {
      throw new InvalidArgumentException("label " + LABEL + " is empty: roundrobin or leastconn, or leave it out"
          + " for roundrobin");
    }
    try {
      return Balancing.parse(value);
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException("label " + LABEL + ": " + e.getMessage(), e);
    }
  }

  /** As {@link #of}, round robin for a value refused (a service stored before the label was checked). */
  public static Balancing orRoundRobin(Map<String, String> labels) {
    try {
      return of(labels);
    } catch (InvalidArgumentException e) {
      return Balancing.ROUND_ROBIN;
    }
  }
}
