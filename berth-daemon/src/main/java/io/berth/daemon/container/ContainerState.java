package io.berth.daemon.container;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.ConflictException;
import java.util.ArrayList;
import java.util.List;

/**
 * The observed state of a container, persisted with it. Written only by the container service
 * under the container's lock, so readers may see an older but never a torn state. The status
 * changes only through {@link #to}, which keeps to {@link ContainerStatus}'s table.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class ContainerState {
  @JsonProperty("status")
  private ContainerStatus status = ContainerStatus.CREATED;
  public int pid;
  public int exitCode;
  public String error = "";
  public String startedAt = ZERO_TIME;
  public String finishedAt = ZERO_TIME;
  public boolean oomKilled;
  public int restartCount;
  /** Stopped by the user: restart policies other than always (on daemon start) leave it alone. */
  public boolean manuallyStopped;
  public boolean everStarted;
  public Health health;

  public static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  public ContainerStatus status() {
    return status;
  }

  /** Whether the status is one of {@code any}. */
  public boolean is(ContainerStatus... any) {
    for (ContainerStatus s : any) {
      if (status == s) {
        return true;
      }
    }
    return false;
  }

  /** Running in Docker's sense: running, paused or restarting. */
  public boolean running() {
    return status.running();
  }

  /** Moves to {@code next}; a change the table does not allow is a conflict naming both states. */
  void to(String id, ContainerStatus next) {
    checkCanGo(id, next);
    status = next;
  }

  /** Refuses, as {@link #to} would, before work that must not start (a process) when the change cannot follow. */
  void checkCanGo(String id, ContainerStatus next) {
    if (!status.canGo(next)) {
      throw new ConflictException("container " + id + " cannot go from " + status + " to " + next);
    }
  }

  /** Health check state as in inspect's State.Health. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Health {
    public String status = "starting";
    public int failingStreak;
    public List<Probe> log = new ArrayList<>();
  }

  /** One health probe result. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Probe {
    public String start;
    public String end;
    public int exitCode;
    public String output;
  }
}
