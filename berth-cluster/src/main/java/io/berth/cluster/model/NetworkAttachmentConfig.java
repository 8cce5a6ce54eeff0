package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;
import java.util.List;
import java.util.Map;

/**
 * A network a service's tasks join ({@code --network NAME[,alias=A]}), Docker's
 * NetworkAttachmentConfig. {@code Target} is the network's ID once the managers resolved the
 * name the client sent.
 */
public record NetworkAttachmentConfig(
    @JsonProperty("Target") String target,
    @JsonProperty("Aliases") List<String> aliases,
    @JsonProperty("DriverOpts") Map<String, String> driverOpts) {
  public NetworkAttachmentConfig {
    if (target == null || target.isEmpty()) {
      throw new InvalidArgumentException("a network attachment needs a Target (--network NAME)");
    }
    aliases = aliases == null ? List.of() : List.copyOf(aliases);
    driverOpts = driverOpts == null ? Map.of() : Map.copyOf(driverOpts);
  }

  public NetworkAttachmentConfig withTarget(String value) {
    return new NetworkAttachmentConfig(value, aliases, driverOpts);
  }
}
