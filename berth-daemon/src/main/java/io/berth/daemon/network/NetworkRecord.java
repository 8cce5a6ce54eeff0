package io.berth.daemon.network;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * A network as berthd keeps it: what {@code network create} asked for, resolved (subnet and
 * gateway always set), plus the Linux bridge and nftables table that carry it. The built-in
 * {@code bridge}, {@code host} and {@code none} networks are records too, never persisted.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NetworkRecord(
    String id,
    String name,
    String driver,
    String created,
    String subnet,
    String gateway,
    String ipRange,
    boolean internal,
    boolean attachable,
    Map<String, String> labels,
    Map<String, String> options,
    String bridgeName,
    String nftTable) {

  public static final String BRIDGE = "bridge";
  public static final String HOST = "host";
  public static final String NONE = "none";

  /** User-defined: created by a user, has DNS, can be removed. */
  public boolean userDefined() {
    return !name.equals(BRIDGE) && !name.equals(HOST) && !name.equals(NONE);
  }

  /** Has a bridge containers attach to (not host, not none). */
  public boolean bridged() {
    return driver.equals("bridge");
  }
}
