package io.berth.daemon.volume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.events.EventBus;
import io.berth.errdefs.NotFoundException;
import java.util.List;
import java.util.Map;

/**
 * The volume use-cases the Engine API offers over the {@link VolumeStore}: create, list by
 * Docker's filters, inspect, remove and prune with their events, refusing what a container
 * still references ({@link VolumeUsers}), and each volume's usage for {@code system df}.
 */
public final class VolumeService {
  private final VolumeStore volumes;
  private final VolumeUsers users;
  private final EventBus events;

  public VolumeService(VolumeStore volumes, VolumeUsers users, EventBus events) {
    this.volumes = volumes;
    this.users = users;
    this.events = events;
  }

  /** The volumes {@code filters} ({@code GET /volumes}'s, already parsed) select. */
  public List<ObjectNode> list(JsonNode filters) {
    var select = VolumeFilters.list(filters, name -> !users.users(name).isEmpty());
    return volumes.list().stream().filter(select).toList();
  }

  public ObjectNode inspect(String name) {
    return volumes.inspect(name);
  }

  /**
   * Creates a volume of the local driver (a random name when {@code name} is empty); an existing
   * one of that name is returned as it is, as Docker does, and announced only when new.
   */
  public ObjectNode create(String name, String driver, Map<String, String> labels, Map<String, String> options) {
    if (!driver.isEmpty() && !driver.equals("local")) {
      throw new NotFoundException("create " + name + ": error looking up volume plugin " + driver
          + ": plugin \"" + driver + "\" not found (Berth has the local driver only)");
    }
    boolean existed = !name.isEmpty() && volumes.exists(name);
    ObjectNode v = volumes.create(name, labels, options, false);
    if (!existed) {
      events.publish("volume", "create", v.get("Name").asText(), Map.of("driver", "local"));
    }
    return v;
  }

  /** Removes a volume no container references; with {@code force} a missing one is no error. */
  public void remove(String name, boolean force) {
    boolean existed = volumes.exists(name);
    volumes.removeUnused(name, force, users::users);
    if (existed) {
      events.publish("volume", "destroy", name, Map.of("driver", "local"));
    }
  }

  /**
   * Removes the unused volumes {@code filters} select (prune's; {@code apiBefore142}: all
   * unused volumes rather than anonymous ones, for older clients).
   */
  public VolumeStore.PruneReport prune(JsonNode filters, boolean apiBefore142) {
    VolumeStore.PruneReport report = volumes.prune(VolumeFilters.prune(filters, apiBefore142), users::users);
    for (String name : report.removed()) {
      events.publish("volume", "destroy", name, Map.of("driver", "local"));
    }
    events.publish("volume", "prune", "", Map.of("reclaimed", Long.toString(report.reclaimed())));
    return report;
  }

  /** A volume with the bytes its data holds and how many containers reference it. */
  public record Usage(ObjectNode volume, long size, int refCount) {}

  /** Every volume's usage, for {@code system df}. */
  public List<Usage> usage() {
    return volumes.list().stream().map(v -> {
      String name = v.get("Name").asText();
      return new Usage(v, volumes.size(name), users.users(name).size());
    }).toList();
  }
}
