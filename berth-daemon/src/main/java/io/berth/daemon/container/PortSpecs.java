package io.berth.daemon.container;

import io.berth.network.PortBinding;
import io.berth.oci.ExposedPort;
import io.berth.oci.PortSpec;

/** The Engine API's port keys ({@code 8080/tcp}) and host ports, read by the shared parser of berth-oci. */
public final class PortSpecs {
  private PortSpecs() {}

  /** Returns {port, protocol} of {@code 8080/tcp} (protocol defaults to tcp). */
  public static PortBinding parseContainerPort(String key) {
    ExposedPort p = ExposedPort.parse(key);
    return new PortBinding("", 0, p.port(), p.protocol());
  }

  /** Empty means "pick one" (0). */
  public static int parseHostPort(String s) {
    return PortSpec.hostPort(s);
  }
}
