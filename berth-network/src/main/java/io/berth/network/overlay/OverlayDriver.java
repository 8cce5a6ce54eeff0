package io.berth.network.overlay;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.KernelSetup;
import io.berth.network.LinuxBridgeNetwork;
import io.berth.network.Network;
import io.berth.network.NetworkDriver;
import io.berth.network.NetworkSpec;
import io.berth.network.OrphanNetworks;
import io.berth.network.PortLedger;
import io.berth.network.Sandboxes;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code overlay} driver: one layer-2 segment across the cluster's nodes, carried in VXLAN
 * (UDP 4789) between their data-path addresses, with static forwarding instead of learning or
 * multicast (the cluster knows where every endpoint is). On each node a network is an
 * {@link OverlayNetwork}: bridge {@code ov-<id12>}, VXLAN device {@code vx-<id12>}, nftables table
 * {@code <daemon table>_ov<id12>}, the same names for the same spec, so a restarted daemon adopts
 * them. Options: {@value #VNI} (required: one VXLAN id), {@value #UNDERLAY} (the address the
 * VXLAN device sends from; the driver's default otherwise; an encrypted tunnel passes its own
 * address), {@value #MTU} (at most the underlay's MTU minus the 50 bytes of encapsulation, which is
 * the default). Anything else is refused by name.
 */
public final class OverlayDriver implements NetworkDriver {
  public static final String VNI = "com.docker.network.driver.overlay.vxlanid_list";
  public static final String UNDERLAY = "io.berth.overlay.underlay";
  public static final String MTU = "com.docker.network.driver.mtu";
  /** IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14). */
  static final int OVERHEAD = 50;
  private static final Logger LOG = LoggerFactory.getLogger(OverlayDriver.class);

  private final Path stateDir;
  private final Sandboxes sandboxes;
  private final String daemonTable;
  private final String defaultBridge;
  private final PortLedger ports;
  private final String underlay;

  /**
   * @param stateDir where each network keeps its endpoints and ports (the exec root)
   * @param daemonTable the daemon's {@code --nft-table}; the networks' tables are named after it
   * @param defaultBridge the daemon's default bridge, which overlay containers may not reach
   * @param ports the daemon's ledger of published ports, shared with the other drivers
   * @param underlay this node's data-path address, for networks that do not name their own
   */
  public OverlayDriver(Path stateDir, Sandboxes sandboxes, String daemonTable, String defaultBridge, PortLedger ports,
      String underlay) {
    this.stateDir = stateDir;
    this.sandboxes = sandboxes;
    this.daemonTable = daemonTable;
    this.defaultBridge = defaultBridge;
    this.ports = ports;
    this.underlay = underlay;
  }

  @Override
  public String name() {
    return "overlay";
  }

  /** What a spec asks of the kernel, checked. */
  record Plan(int vni, String underlay, int mtu) {}

  Plan plan(NetworkSpec spec) {
    for (String key : spec.options().keySet()) {
      if (!key.equals(VNI) && !key.equals(UNDERLAY) && !key.equals(MTU)) {
        throw new InvalidArgumentException("overlay network " + spec.name() + ": unsupported option " + key);
      }
    }
    if (spec.id() == null || !spec.id().matches("[0-9a-z]{12,}")) {
      // swarm network ids are base 36 (swarmkit's), local ones hex
      throw new InvalidArgumentException("invalid network id " + spec.id() + " (at least 12 lower-case letters or digits)");
    }
    String vniText = spec.option(VNI);
    if (vniText == null) {
      throw new InvalidArgumentException("overlay network " + spec.name() + " needs option " + VNI + " (its VXLAN id)");
    }
    if (!vniText.matches("\\d{1,8}") || Integer.parseInt(vniText) < 1 || Integer.parseInt(vniText) > 0xffffff) {
      throw new InvalidArgumentException("overlay network " + spec.name() + ": " + VNI + " must be one VXLAN id,"
          + " 1-16777215, not " + vniText);
    }
    String local = spec.option(UNDERLAY) != null ? spec.option(UNDERLAY) : underlay;
    RoundRobin.address(local, "underlay (" + UNDERLAY + ")");
    int max = Underlay.mtu(local) - OVERHEAD;
    int mtu = max;
    String mtuText = spec.option(MTU);
    if (mtuText != null) {
      if (!mtuText.matches("\\d{1,5}") || Integer.parseInt(mtuText) < 576 || Integer.parseInt(mtuText) > max) {
        throw new InvalidArgumentException("overlay network " + spec.name() + ": " + MTU + " must be 576-" + max
            + " (the underlay's MTU minus " + OVERHEAD + " bytes of VXLAN), not " + mtuText);
      }
      mtu = Integer.parseInt(mtuText);
    }
    return new Plan(Integer.parseInt(vniText), local, mtu);
  }

  static String id12(NetworkSpec spec) {
    return spec.id().substring(0, 12);
  }

  static String bridge(String id12) {
    return "ov-" + id12;
  }

  static String vxlan(String id12) {
    return "vx-" + id12;
  }

  public String table(NetworkSpec spec) {
    return daemonTable + "_ov" + id12(spec);
  }

  private OverlayNetwork open(NetworkSpec spec) {
    Plan p = plan(spec);
    String id = id12(spec);
    // not reachable from other overlays, bridge networks or the default bridge, nor they from it
    List<String> isolate = List.of("ov-*", "br-*", defaultBridge);
    LinuxBridgeNetwork segment = LinuxBridgeNetwork.open(stateDir, bridge(id), spec.gateway() + "/" + spec.prefix(),
        table(spec), new LinuxBridgeNetwork.Options(sandboxes, spec.internal(), spec.ipRange(), isolate, ports,
            p.mtu(), !spec.internal(), true));
    return new OverlayNetwork(segment, vxlan(id), p.vni(), p.underlay(), p.mtu());
  }

  @Override
  public OverlayNetwork create(NetworkSpec spec) {
    OverlayNetwork n = open(spec);
    return KernelSetup.initOrDelete(n, n::init);
  }

  /**
   * Adopts each known network's links, entries and endpoints as they are (only the rule table is
   * replaced, atomically; conntrack keeps running connections), then removes the tables and links
   * of overlays this daemon made and no longer knows. A network that cannot be set up is logged
   * and still answered, so it can be removed.
   */
  @Override
  public Map<String, Network> restore(List<NetworkSpec> known) {
    Map<String, Network> out = new LinkedHashMap<>();
    Set<String> tables = new HashSet<>();
    for (NetworkSpec spec : known) {
      OverlayNetwork n;
      try {
        n = open(spec);
        tables.add(table(spec));
      } catch (RuntimeException e) {
        LOG.warn("overlay network {} is not valid any more: {}", spec.name(), e.getMessage());
        continue;
      }
      try {
        n.init();
      } catch (RuntimeException e) {
        LOG.warn("overlay network {} could not be set up: {}", spec.name(), e.getMessage());
      }
      out.put(spec.id(), n);
    }
    try {
      OrphanNetworks.remove(daemonTable, "ov", tables, id -> List.of(bridge(id), vxlan(id)));
    } catch (RuntimeException e) {
      LOG.warn("could not look for leftovers of forgotten overlay networks: {}", e.getMessage());
    }
    return out;
  }
}
