package io.berth.network;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code bridge} driver: each network is a {@link LinuxBridgeNetwork} with its own Linux
 * bridge and nftables table, named from the daemon's settings and the network's id, so the
 * same spec always finds the same kernel objects: the default bridge is the daemon's
 * {@code --bridge} with its {@code --nft-table}; any other is {@code br-<id[0:12]>} (or the
 * {@code com.docker.network.bridge.name} option) with table {@code <daemon table>_<id[0:12]>}.
 * Containers of one bridge cannot reach another bridge's, except through published ports.
 */
public final class BridgeDriver implements NetworkDriver {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeDriver.class);
  private final Path stateDir;
  private final Sandboxes sandboxes;
  private final String defaultBridge;
  private final String daemonTable;
  private final PortLedger ports;

  /**
   * @param stateDir where each network keeps its addresses, endpoints and ports (the exec root)
   * @param defaultBridge the daemon's {@code --bridge}, e.g. berth0
   * @param daemonTable the daemon's {@code --nft-table}; other networks' tables are named after it
   * @param ports the daemon's ledger of published ports, shared with every other driver
   */
  public BridgeDriver(Path stateDir, Sandboxes sandboxes, String defaultBridge, String daemonTable, PortLedger ports) {
    this.stateDir = stateDir;
    this.sandboxes = sandboxes;
    this.defaultBridge = defaultBridge;
    this.daemonTable = daemonTable;
    this.ports = ports;
  }

  @Override
  public String name() {
    return "bridge";
  }

  static boolean isDefault(NetworkSpec spec) {
    return "true".equals(spec.option(NetworkSpec.DEFAULT_BRIDGE));
  }

  /** The Linux bridge that carries {@code spec}. */
  public String bridgeName(NetworkSpec spec) {
    if (isDefault(spec)) {
      return defaultBridge;
    }
    String named = spec.option(NetworkSpec.BRIDGE_NAME);
    return named != null ? named : "br-" + spec.id().substring(0, 12);
  }

  /** The nftables table that holds {@code spec}'s NAT and published ports. */
  public String table(NetworkSpec spec) {
    return isDefault(spec) ? daemonTable : daemonTable + "_" + spec.id().substring(0, 12);
  }

  private LinuxBridgeNetwork open(NetworkSpec spec) {
    String bridge = bridgeName(spec);
    // the default bridge may not reach user networks; a user network reaches neither
    List<String> isolate = new ArrayList<>(List.of("br-*"));
    if (!isDefault(spec)) {
      isolate.add(defaultBridge);
      isolate.remove(bridge);
    }
    return LinuxBridgeNetwork.open(stateDir, bridge, spec.gateway() + "/" + spec.prefix(), table(spec),
        new LinuxBridgeNetwork.Options(sandboxes, spec.internal(), spec.ipRange(), isolate, ports));
  }

  @Override
  public Network create(NetworkSpec spec) {
    LinuxBridgeNetwork n = open(spec); // validates gateway, ip-range, bridge name
    return KernelSetup.initOrDelete(n, n::init);
  }

  /**
   * Adopts each known network (a failing default bridge fails the whole restore: the daemon
   * cannot run without it; another is logged and kept, so it can still be removed), then deletes the tables and bridges of user networks this daemon
   * made and no longer knows (a wiped data root).
   */
  @Override
  public Map<String, Network> restore(List<NetworkSpec> known) {
    Map<String, Network> out = new LinkedHashMap<>();
    Set<String> tables = new HashSet<>();
    for (NetworkSpec spec : known) {
      tables.add(table(spec));
      LinuxBridgeNetwork n;
      try {
        n = open(spec);
      } catch (RuntimeException e) {
        if (isDefault(spec)) {
          throw e;
        }
        LOG.warn("network {} is not valid any more: {}", spec.name(), e.getMessage());
        continue;
      }
      try {
        n.init();
      } catch (RuntimeException e) {
        if (isDefault(spec)) {
          throw e;
        }
        // kept: it can still be removed, and a container attaching says what is wrong
        LOG.warn("network {} could not be set up: {}", spec.name(), e.getMessage());
      }
      out.put(spec.id(), n);
    }
    try {
      OrphanNetworks.remove(daemonTable, tables);
    } catch (RuntimeException e) {
      LOG.warn("could not look for leftovers of forgotten networks: {}", e.getMessage());
    }
    return out;
  }
}
