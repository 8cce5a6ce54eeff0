package io.berth.daemon.container;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.records.RecordJson;
import io.berth.runtime.Capabilities;
import io.berth.runtime.HostFeatures;
import java.util.ArrayList;
import java.util.List;

/**
 * Every check of a {@code POST /containers/create} body that needs nothing but the body and the
 * host: JSON types first ({@link CreateBodyTypes}), then dockerd's rules for the config, the
 * resources, restart policy, ports, mounts, capabilities, security options, process tuning and
 * cgroup settings. Runs before the image is looked up or anything is stored, so a bad request
 * is a 400 that leaves nothing behind. Returns dockerd's warnings for the create response.
 */
final class CreateValidation {
  private CreateValidation() {}

  static List<String> check(ObjectNode body, HostFeatures host) {
    CreateBodyTypes.check(body);
    ObjectNode hc = body.get("HostConfig") instanceof ObjectNode o ? o : RecordJson.object();
    List<String> warnings = new ArrayList<>();
    ContainerSettings.checkConfig(body);
    ContainerSettings.checkHostConfig(body, hc, body.path("NetworkingConfig"), host, warnings);
    ContainerResources.validate(hc, false);
    ContainerFactory.validateRestartPolicy(hc.path("RestartPolicy"), hc.path("AutoRemove").asBoolean(false));
    NetworkSpec.portBindings(hc); // the typed model's own reading, so both refuse alike
    MountPlanner.validate(hc);
    Capabilities.validate(ContainerFactory.strings(hc.get("CapAdd")), ContainerFactory.strings(hc.get("CapDrop")));
    SecurityOptions.parse(hc, host);
    ContainerTuning.of(hc);
    ContainerCgroups.of(hc, host, warnings);
    return warnings;
  }
}
