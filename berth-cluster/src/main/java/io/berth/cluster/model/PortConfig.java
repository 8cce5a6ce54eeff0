package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;

/** A port a service publishes: the task's target port, the published one (0: assigned), protocol and mode. */
public record PortConfig(
    @JsonProperty("Name") String name,
    @JsonProperty("Protocol") PortProtocol protocol,
    @JsonProperty("TargetPort") int targetPort,
    @JsonProperty("PublishedPort") int publishedPort,
    @JsonProperty("PublishMode") PublishMode publishMode) {
  public PortConfig {
    protocol = protocol == null ? PortProtocol.TCP : protocol;
    publishMode = publishMode == null ? PublishMode.INGRESS : publishMode;
    if (targetPort < 0 || targetPort > 65535 || publishedPort < 0 || publishedPort > 65535) {
      throw new InvalidArgumentException("invalid port " + publishedPort + ":" + targetPort + ": ports are 0 to 65535");
    }
  }

  /** True for a port taken on the task's own node (mode host with a fixed number), which two tasks cannot share. */
  public boolean takesHostPort() {
    return publishMode == PublishMode.HOST && publishedPort != 0;
  }
}
