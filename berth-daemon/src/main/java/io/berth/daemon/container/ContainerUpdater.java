package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import io.berth.runtime.RuntimeResources;
import io.berth.runtime.Resources;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code docker update}: merges new cgroup limits and a restart policy into a container's
 * HostConfig with Docker's rules (a zero field leaves the old value; NanoCpus and
 * CpuQuota/CpuPeriod exclude each other across updates; no restart policy with --rm), applies
 * the limits to a running or paused container at once with {@code runc update}, and stores the
 * result, so the next start uses it. Fields Berth cannot apply are refused by name, and a failed
 * live update leaves the stored configuration as it was.
 */
final class ContainerUpdater {
  private final RuntimeResources runtime;
  private final ContainerRepository repo;

  ContainerUpdater(RuntimeResources runtime, ContainerRepository repo) {
    this.runtime = runtime;
    this.repo = repo;
  }

  /** Updates {@code c} from the body of {@code POST /containers/{id}/update}; returns Docker's warnings. */
  List<String> update(Container c, ObjectNode body) {
    refuseUnsupported(body);
    ContainerResources.validate(body, true);
    if (body.has("RestartPolicy")) {
      JsonNode rp = body.get("RestartPolicy");
      if (!rp.path("Name").asText("").isEmpty()) {
        ContainerFactory.validateRestartPolicy(rp, false);
      }
    }
    synchronized (c) {
      if (c.state.is(ContainerStatus.REMOVING) || c.removed) {
        throw new ConflictException(cannot(c) + "container is marked for removal and cannot be \"update\"");
      }
      ObjectNode merged = merge(c, c.hostConfig.deepCopy(), body);
      ContainerResources.validate(merged, false);
      if (c.state.is(ContainerStatus.RUNNING, ContainerStatus.PAUSED)) {
        try {
          runtime.update(c.id, live(merged, body));
        } catch (BerthException e) {
          throw new UnavailableException(cannot(c) + e.getMessage());
        }
      }
      c.hostConfig(merged);
      repo.save(c);
    }
    return List.of();
  }

  private static String cannot(Container c) {
    return "Cannot update container " + c.id + ": ";
  }

  /** Docker's UpdateContainer: only the fields given (non-zero) change. */
  static ObjectNode merge(Container c, ObjectNode hc, ObjectNode body) {
    long nano = body.path("NanoCpus").asLong(0);
    long period = body.path("CpuPeriod").asLong(0);
    long quota = body.path("CpuQuota").asLong(0);
    if (nano > 0 && hc.path("CpuPeriod").asLong(0) > 0) {
      throw new ConflictException(cannot(c)
          + "Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set");
    }
    if (nano > 0 && hc.path("CpuQuota").asLong(0) > 0) {
      throw new ConflictException(cannot(c)
          + "Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set");
    }
    if (period > 0 && hc.path("NanoCpus").asLong(0) > 0) {
      throw new ConflictException(cannot(c)
          + "Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set");
    }
    if (quota > 0 && hc.path("NanoCpus").asLong(0) > 0) {
      throw new ConflictException(cannot(c)
          + "Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set");
    }
    long memory = body.path("Memory").asLong(0);
    long swap = body.path("MemorySwap").asLong(0);
    long oldSwap = hc.path("MemorySwap").asLong(0);
    // Docker's rule; a swap limit of 0 (Berth's default: memory+swap = memory) follows the memory
    if (memory > 0 && oldSwap > 0 && memory > oldSwap && swap == 0) {
      throw new ConflictException(cannot(c) + "Memory limit should be smaller than already set memoryswap limit, "
          + "update the memoryswap at the same time");
    }
    for (String f : List.of("Memory", "MemorySwap", "MemoryReservation", "NanoCpus", "CpuQuota", "CpuPeriod",
        "CpuShares")) {
      if (body.path(f).asLong(0) != 0) {
        hc.put(f, body.get(f).asLong());
      }
    }
    if (body.hasNonNull("PidsLimit")) {
      long pids = body.get("PidsLimit").asLong();
      hc.put("PidsLimit", pids <= 0 ? 0 : pids); // 0 and -1 both mean unlimited
    }
    JsonNode rp = body.path("RestartPolicy");
    if (!rp.path("Name").asText("").isEmpty()) {
      String name = rp.path("Name").asText();
      if (hc.path("AutoRemove").asBoolean(false) && !name.equals("no")) {
        throw new ConflictException(cannot(c)
            + "Restart policy cannot be updated because AutoRemove is enabled for the container");
      }
      hc.set("RestartPolicy", rp.deepCopy());
    }
    return hc;
  }

  /** The runtime update: the merged values of what the request touched. */
  static Resources live(ObjectNode merged, ObjectNode body) {
    Resources all = ContainerResources.of(merged);
    boolean memory = body.path("Memory").asLong(0) != 0 || body.path("MemorySwap").asLong(0) != 0;
    boolean cpu = body.path("NanoCpus").asLong(0) != 0 || body.path("CpuQuota").asLong(0) != 0
        || body.path("CpuPeriod").asLong(0) != 0;
    return new Resources(memory ? all.memory() : null, memory ? all.effectiveSwap() : null,
        body.path("MemoryReservation").asLong(0) != 0 ? all.memoryReservation() : null,
        body.path("CpuShares").asLong(0) != 0 ? all.cpuShares() : null,
        cpu ? all.cpuQuota() : null, cpu ? all.cpuPeriod() : null,
        body.hasNonNull("PidsLimit") ? (all.pidsLimit() == null ? -1L : all.pidsLimit()) : null);
  }

  /**
   * The update body carries every Resources field, zero when not given: a field Berth does not
   * apply is refused when it is set, naming it, rather than accepted and ignored.
   */
  static void refuseUnsupported(ObjectNode body) {
    List<String> refused = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!ContainerResources.UPDATABLE.contains(e.getKey()) && isSet(e.getValue())) {
        refused.add(e.getKey());
      }
    }
    if (!refused.isEmpty()) {
      throw new InvalidArgumentException("Berth cannot update " + String.join(", ", refused)
          + "; docker update works here for --memory, --memory-swap, --memory-reservation, --cpus, --cpu-quota, "
          + "--cpu-period, --cpu-shares, --pids-limit and --restart");
    }
  }

  private static boolean isSet(JsonNode v) {
    return switch (v.getNodeType()) {
      case NULL, MISSING -> false;
      case NUMBER -> v.asDouble() != 0;
      case STRING -> !v.asText().isEmpty();
      case BOOLEAN -> v.asBoolean();
      case ARRAY, OBJECT -> !v.isEmpty();
      default -> true;
    };
  }
}
