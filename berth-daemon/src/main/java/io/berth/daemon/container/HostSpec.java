package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.runtime.CgroupTuning;
import io.berth.runtime.HostFeatures;
import io.berth.runtime.ProcessTuning;
import io.berth.runtime.Resources;
import io.berth.runtime.SecurityProfile;
import io.berth.runtime.log.LogOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A container's HostConfig read once into what start, stop and exit act on, so that they no
 * longer walk JSON. The JSON stays the record's truth on disk and what inspect shows (unknown or
 * client-only fields round-trip untouched); this is derived from it at create, after an update,
 * and for records written before it existed, the first time a loaded container is used.
 *
 * <p>Network mode, published ports and links are {@link NetworkSpec}.
 */
record HostSpec(
    RestartPolicy restartPolicy,
    boolean autoRemove,
    boolean readonlyRootfs,
    boolean privileged,
    boolean init,
    List<String> capAdd,
    List<String> capDrop,
    SecurityProfile security,
    Resources resources,
    ProcessTuning tuning,
    CgroupTuning cgroups,
    Map<String, String> annotations,
    LogOptions log,
    Dns dns,
    List<MountRequest> mounts,
    NetworkSpec network) {

  /** The sandbox files' settings: resolv.conf's servers, search domains and options, extra /etc/hosts lines. */
  record Dns(List<String> servers, List<String> search, List<String> options, List<String> extraHosts) {}

  /** Reads {@code hc}; refuses (as create's checks do) what could not start. */
  static HostSpec of(JsonNode hc) {
    return new HostSpec(
        RestartPolicy.of(hc),
        hc.path("AutoRemove").asBoolean(false),
        hc.path("ReadonlyRootfs").asBoolean(false),
        hc.path("Privileged").asBoolean(false),
        hc.path("Init").asBoolean(false),
        List.copyOf(ContainerFactory.strings(hc.get("CapAdd"))),
        List.copyOf(ContainerFactory.strings(hc.get("CapDrop"))),
        SecurityOptions.parse(hc, HostFeatures.get()),
        ContainerResources.of(hc),
        ContainerTuning.of(hc),
        // what the host discards was warned of at create
        ContainerCgroups.of(hc, HostFeatures.get(), new ArrayList<>()),
        annotations(hc),
        ContainerLogging.stored(hc),
        new Dns(texts(hc.path("Dns")), texts(hc.path("DnsSearch")), texts(hc.path("DnsOptions")),
            texts(hc.path("ExtraHosts"))),
        MountRequest.of(hc),
        NetworkSpec.of(hc)); // last: a bad link is refused after the rest, as create refused it
  }

  private static Map<String, String> annotations(JsonNode hc) {
    Map<String, String> out = new LinkedHashMap<>();
    hc.path("Annotations").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return java.util.Collections.unmodifiableMap(out);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return List.copyOf(out);
  }
}
