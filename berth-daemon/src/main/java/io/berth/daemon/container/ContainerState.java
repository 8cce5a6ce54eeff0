package io.berth.daemon.container;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;

/**
 * The observed state of a container, persisted with it. Written only by the container service
 * under the container's lock, so readers may see an older but never a torn state.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class ContainerState {
  /** created, running, paused, restarting, removing, exited, dead. */
  public String status = "created";
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

  public boolean running() {
    return status.equals("running") || status.equals("paused") || status.equals("restarting");
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
