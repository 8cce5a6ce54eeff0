package io.berth.daemon.overlay;

import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerNetworks;

/**
 * Hooks a container's network coming up and going down: the embedded DNS as before, and the
 * service VIPs of its swarm networks set in its namespace the moment it has one (a task must
 * reach other services from its first instruction, not from the next network view), no longer
 * watched for least connections once it goes down.
 */
public final class OverlaySandboxes implements ContainerNetworks.Dns {
  private final ContainerNetworks.Dns dns;
  private final NodeOverlays overlays;

  public OverlaySandboxes(ContainerNetworks.Dns dns, NodeOverlays overlays) {
    this.dns = dns;
    this.overlays = overlays;
  }

  @Override
  public void attach(Container c, String netnsPath) {
    dns.attach(c, netnsPath);
    overlays.balance(c);
  }

  @Override
  public void detach(Container c) {
    dns.detach(c);
    overlays.unbalance(c);
  }
}
