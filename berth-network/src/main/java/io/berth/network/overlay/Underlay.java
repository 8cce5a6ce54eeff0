package io.berth.network.overlay;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.IpCommand;

/**
 * The link that holds a node's data-path address, read to size the overlay's MTU: VXLAN adds 50
 * bytes to every frame, so the overlay carries the underlay's MTU minus 50, or frames at full
 * size would be dropped at the VXLAN device.
 */
public final class Underlay {
  private Underlay() {}

  /** The MTU of the link holding {@code address}; refused when no link of this node holds it. */
  public static int mtu(String address) {
    for (JsonNode link : IpCommand.json("ip", "-4", "addr", "show")) {
      for (JsonNode a : link.path("addr_info")) {
        if (address.equals(a.path("local").asText())) {
          return link.path("mtu").asInt();
        }
      }
    }
    throw new InvalidArgumentException("underlay address " + address + " is not an address of this node");
  }
}
