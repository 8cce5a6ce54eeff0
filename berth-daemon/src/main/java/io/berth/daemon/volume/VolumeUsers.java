package io.berth.daemon.volume;

import java.util.List;

/**
 * Which containers reference a volume. The container side answers; this package asks through
 * this interface because the container package depends on it, not the other way round.
 */
public interface VolumeUsers {

  /** Ids of the containers (running or not) whose mounts name {@code volume}, sorted. */
  List<String> users(String volume);
}
