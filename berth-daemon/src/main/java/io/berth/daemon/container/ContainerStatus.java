package io.berth.daemon.container;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Docker's container states and which may follow which: a change the table does not list is a
 * bug or a race (a start of a container being removed), refused by {@link ContainerState#to}.
 * Stored and shown by its wire name ({@code "running"}), as records written before the enum.
 */
public enum ContainerStatus {
  CREATED, RUNNING, PAUSED, RESTARTING, REMOVING, EXITED, DEAD;

  private static final Map<ContainerStatus, Set<ContainerStatus>> NEXT = Map.of(
      CREATED, EnumSet.of(RUNNING, REMOVING, DEAD),
      // REMOVING from a running one: a forced removal whose kill was not seen exiting in time
      RUNNING, EnumSet.of(PAUSED, EXITED, RESTARTING, REMOVING, DEAD),
      PAUSED, EnumSet.of(RUNNING, EXITED, RESTARTING, REMOVING, DEAD),
      // EXITED: stopped during the back-off, or its restart failed
      RESTARTING, EnumSet.of(RUNNING, EXITED, REMOVING, DEAD),
      // RESTARTING: the exit is recorded first, then the policy decides
      EXITED, EnumSet.of(RUNNING, RESTARTING, REMOVING, DEAD),
      // DEAD: a removal that failed half-way, as in Docker
      REMOVING, EnumSet.of(DEAD),
      DEAD, EnumSet.of(REMOVING));

  /** Whether the container may go from this state to {@code next}; staying is always allowed. */
  public boolean canGo(ContainerStatus next) {
    return next == this || NEXT.get(this).contains(next);
  }

  /** Running in Docker's sense: a process exists or is about to (paused, restarting). */
  public boolean running() {
    return this == RUNNING || this == PAUSED || this == RESTARTING;
  }

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state of a wire name; an unknown one (a damaged record) is dead, as Docker shows it. */
  @JsonCreator
  public static ContainerStatus of(String wire) {
    for (ContainerStatus s : values()) {
      if (s.wire().equals(wire)) {
        return s;
      }
    }
    return DEAD;
  }

  @Override
  public String toString() {
    return wire();
  }
}
