package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;

/**
 * The published ports the allocator hands to ingress ports that ask for none (Docker's fixed
 * 30000-32767). Berth lets {@code swarm init} choose it (decision 0037); Docker's CLI never sends
 * one, so its swarms keep Docker's range.
 */
public record PortRange(@JsonProperty("Start") int start, @JsonProperty("End") int end) {
  public static final PortRange DEFAULT = new PortRange(30000, 32767);

  public PortRange {
    if (start < 1 || end > 65535 || start > end) {
      throw new InvalidArgumentException("invalid published port range " + start + "-" + end
          + ": expected START-END within 1-65535, START <= END");
    }
  }

  /** {@code START-END} as a flag gives it. */
  public static PortRange parse(String text) {
    String[] p = text == null ? new String[0] : text.trim().split("-");
    if (p.length != 2 || !p[0].matches("\\d{1,5}") || !p[1].matches("\\d{1,5}")) {
      throw new InvalidArgumentException("invalid published port range \"" + text + "\": expected START-END, e.g. 30000-32767");
    }
    return new PortRange(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
  }

  public boolean contains(int port) {
    return port >= start && port <= end;
  }

  @Override
  public String toString() {
    return start + "-" + end;
  }
}
