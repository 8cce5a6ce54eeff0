package io.berth.runtime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Writes a {@link CgroupTuning} into the OCI spec's {@code linux.resources}: cpuset, memory
 * swappiness and the OOM-killer switch, block I/O weights and throttles, and device cgroup rules
 * (not for --privileged, whose cgroup already allows every device).
 */
final class CgroupResources {
  private CgroupResources() {}

  static void apply(ObjectNode resources, CgroupTuning t, boolean privileged) {
    if (t.cpusetCpus() != null || t.cpusetMems() != null) {
      ObjectNode cpu = resources.has("cpu") ? (ObjectNode) resources.get("cpu") : resources.putObject("cpu");
      if (t.cpusetCpus() != null) {
        cpu.put("cpus", t.cpusetCpus());
      }
      if (t.cpusetMems() != null) {
        cpu.put("mems", t.cpusetMems());
      }
    }
    if (t.memorySwappiness() != null || t.oomKillDisable()) {
      ObjectNode m = resources.has("memory") ? (ObjectNode) resources.get("memory") : resources.putObject("memory");
      if (t.memorySwappiness() != null) {
        m.put("swappiness", t.memorySwappiness());
      }
      if (t.oomKillDisable()) {
        m.put("disableOOMKiller", true);
      }
    }
    blockIo(resources, t);
    if (!privileged) {
      ArrayNode devices = (ArrayNode) resources.get("devices");
      for (CgroupTuning.DeviceRule r : t.deviceRules()) {
        ObjectNode d = devices.addObject().put("allow", true).put("type", r.type());
        if (r.major() != null) {
          d.put("major", r.major());
        }
        if (r.minor() != null) {
          d.put("minor", r.minor());
        }
        d.put("access", r.access());
      }
    }
  }

  private static void blockIo(ObjectNode resources, CgroupTuning t) {
    boolean any = t.blkioWeight() != null || !t.weightDevices().isEmpty() || !t.readBps().isEmpty()
        || !t.writeBps().isEmpty() || !t.readIops().isEmpty() || !t.writeIops().isEmpty();
    if (!any) {
      return;
    }
    ObjectNode b = resources.putObject("blockIO");
    if (t.blkioWeight() != null) {
      b.put("weight", t.blkioWeight());
    }
    if (!t.weightDevices().isEmpty()) {
      ArrayNode a = b.putArray("weightDevice");
      t.weightDevices().forEach(w -> a.addObject().put("major", w.major()).put("minor", w.minor()).put("weight", w.weight()));
    }
    throttles(b, "throttleReadBpsDevice", t.readBps());
    throttles(b, "throttleWriteBpsDevice", t.writeBps());
    throttles(b, "throttleReadIOPSDevice", t.readIops());
    throttles(b, "throttleWriteIOPSDevice", t.writeIops());
  }

  private static void throttles(ObjectNode b, String field, List<CgroupTuning.Throttle> list) {
    if (!list.isEmpty()) {
      ArrayNode a = b.putArray(field);
      list.forEach(x -> a.addObject().put("major", x.major()).put("minor", x.minor()).put("rate", x.rate()));
    }
  }
}
