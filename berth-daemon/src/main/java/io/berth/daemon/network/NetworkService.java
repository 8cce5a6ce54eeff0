package io.berth.daemon.network;

import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.network.BridgeNetwork;
import io.berth.network.HostRoutes;
import io.berth.network.LinuxBridgeNetwork;
import io.berth.network.OrphanNetworks;
import io.berth.network.PortLedger;
import io.berth.store.meta.MetadataStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The networks of this daemon: the built-in bridge, host and none, and user-defined bridge
 * networks, each of those with its own Linux bridge ({@code br-<id12>}) and nftables table.
 * Records live in the metadata store; bridges and tables are (re)built from them on start.
 */
public final class NetworkService {
  private static final Logger LOG = LoggerFactory.getLogger(NetworkService.class);
  private static final String BUCKET = "networks";
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
  private final MetadataStore meta;
  private final Path stateDir;
  private final String nftTable;
  private final PortLedger ports;
  private final String nsTag;
  private final Map<String, NetworkRecord> records = new LinkedHashMap<>();
  private final Map<String, BridgeNetwork> drivers = new LinkedHashMap<>();

  /** What {@code POST /networks/create} asks for, already parsed. */
  public record CreateRequest(String name, String driver, String subnet, String gateway, String ipRange,
      boolean internal, boolean attachable, Map<String, String> labels, Map<String, String> options) {}

  /**
   * @param defaultBridge the daemon's default bridge network, already initialised; its
   *     namespace tag and port ledger are shared by every user-defined network
   */
  public NetworkService(MetadataStore meta, Path stateDir, String nftTable, BridgeNetwork defaultBridge,
      PortLedger ports) {
    this.meta = meta;
    this.stateDir = stateDir;
    this.nftTable = nftTable;
    this.ports = ports;
    this.nsTag = defaultBridge.bridgeName();
    String created = "0001-01-01T00:00:00Z";
    put(new NetworkRecord(builtinId(NetworkRecord.BRIDGE), NetworkRecord.BRIDGE, "bridge", created,
        defaultBridge.subnet(), defaultBridge.gateway(), null, false, false, Map.of(),
        Map.of("com.docker.network.bridge.name", defaultBridge.bridgeName(),
            "com.docker.network.bridge.default_bridge", "true"),
        defaultBridge.bridgeName(), nftTable), defaultBridge);
    put(new NetworkRecord(builtinId(NetworkRecord.HOST), NetworkRecord.HOST, "host", created, null, null, null,
        false, false, Map.of(), Map.of(), null, null), null);
    put(new NetworkRecord(builtinId(NetworkRecord.NONE), NetworkRecord.NONE, "null", created, null, null, null,
        false, false, Map.of(), Map.of(), null, null), null);
  }

  private String builtinId(String name) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256")
          .digest(("berth-network:" + name + ":" + nsTag).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void put(NetworkRecord r, BridgeNetwork driver) {
    records.put(r.id(), r);
    if (driver != null) {
      drivers.put(r.id(), driver);
    }
  }

  /** Rebuilds the bridge and table of every saved user-defined network (daemon start). */
  public synchronized void init() {
    for (String key : meta.keys(BUCKET)) {
      NetworkRecord r;
      try {
        r = RecordJson.MAPPER.readValue(meta.get(BUCKET, key).orElseThrow(), NetworkRecord.class);
      } catch (IOException | RuntimeException e) {
        LOG.warn("skipping unreadable network record {}: {}", key, e.toString());
        continue;
      }
      BridgeNetwork driver = driverFor(r);
      try {
        driver.init();
      } catch (RuntimeException e) {
        LOG.warn("network {} could not be set up: {}", r.name(), e.getMessage());
      }
      put(r, driver);
    }
    Set<String> live = new HashSet<>();
    records.values().forEach(r -> live.add(r.nftTable()));
    try {
      OrphanNetworks.remove(nftTable, live);
    } catch (RuntimeException e) {
      LOG.warn("could not look for leftovers of forgotten networks: {}", e.getMessage());
    }
  }

  private BridgeNetwork driverFor(NetworkRecord r) {
    int prefix = Integer.parseInt(r.subnet().substring(r.subnet().indexOf('/') + 1));
    List<String> isolate = new ArrayList<>(List.of("br-*", nsTag));
    isolate.remove(r.bridgeName());
    return LinuxBridgeNetwork.create(stateDir, r.bridgeName(), r.gateway() + "/" + prefix, r.nftTable(),
        new LinuxBridgeNetwork.Options(nsTag, r.internal(), r.ipRange(), isolate, ports));
  }

  public synchronized NetworkRecord create(CreateRequest q) {
    if (q.name() == null || q.name().isEmpty() || !NAME.matcher(q.name()).matches()) {
      throw new InvalidArgumentException("invalid network name \"" + q.name()
          + "\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
    }
    String driverName = q.driver() == null || q.driver().isEmpty() ? "bridge" : q.driver();
    if (!driverName.equals("bridge")) {
      throw new InvalidArgumentException("network driver \"" + driverName
          + "\" is not supported on a single node (bridge is; overlay comes with the cluster)");
    }
    if (records.values().stream().anyMatch(r -> r.name().equals(q.name()))) {
      throw new ConflictException("network with name " + q.name() + " already exists");
    }
    List<SubnetPool.Cidr> ours = records.values().stream().filter(r -> r.subnet() != null)
        .map(r -> SubnetPool.Cidr.parse(r.subnet())).toList();
    SubnetPool.Cidr subnet;
    if (q.subnet() != null && !q.subnet().isEmpty()) {
      subnet = SubnetPool.Cidr.parse(q.subnet());
      if (subnet.prefix() < 8 || subnet.prefix() > 30) {
        throw new InvalidArgumentException("invalid subnet " + q.subnet() + ": prefix must be between /8 and /30");
      }
      if (ours.stream().anyMatch(subnet::overlaps)) {
        throw new ConflictException("invalid pool request: Pool overlaps with other one on this address space");
      }
    } else {
      if (q.gateway() != null && !q.gateway().isEmpty() || q.ipRange() != null && !q.ipRange().isEmpty()) {
        throw new InvalidArgumentException("a gateway or ip-range needs a subnet (--subnet)");
      }
      List<SubnetPool.Cidr> used = new ArrayList<>(ours);
      HostRoutes.ipv4Destinations().forEach(c -> used.add(SubnetPool.Cidr.parse(c)));
      subnet = SubnetPool.pick(used);
    }
    String gateway = q.gateway() == null || q.gateway().isEmpty()
        ? SubnetPool.str(subnet.base() + 1) : q.gateway();
    if (!subnet.contains(SubnetPool.toInt(gateway))) {
      throw new InvalidArgumentException("gateway " + gateway + " is not in subnet " + subnet);
    }
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    String id = HexFormat.of().formatHex(b);
    String bridgeName = q.options() == null ? null : q.options().get("com.docker.network.bridge.name");
    if (bridgeName == null || bridgeName.isEmpty()) {
      bridgeName = "br-" + id.substring(0, 12);
    }
    NetworkRecord r = new NetworkRecord(id, q.name(), "bridge", Instant.now().toString(), subnet.toString(),
        gateway, q.ipRange() == null || q.ipRange().isEmpty() ? null : q.ipRange(), q.internal(), q.attachable(),
        q.labels() == null ? Map.of() : Map.copyOf(q.labels()),
        q.options() == null ? Map.of() : Map.copyOf(q.options()), bridgeName, nftTable + "_" + id.substring(0, 12));
    BridgeNetwork driver = driverFor(r); // validates gateway, ip-range, bridge name
    try {
      driver.init();
      meta.put(BUCKET, id, RecordJson.MAPPER.writeValueAsBytes(r));
    } catch (IOException | RuntimeException e) {
      try {
        driver.destroy();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e instanceof RuntimeException re ? re : new UncheckedIOException((IOException) e);
    }
    put(r, driver);
    return r;
  }

  /** By full id, then exact name, then unique id prefix (Docker's order). */
  public synchronized NetworkRecord find(String ref) {
    if (ref == null || ref.isEmpty()) {
      throw new NotFoundException("network  not found");
    }
    NetworkRecord byId = records.get(ref);
    if (byId != null) {
      return byId;
    }
    for (NetworkRecord r : records.values()) {
      if (r.name().equals(ref)) {
        return r;
      }
    }
    List<NetworkRecord> prefixed = records.values().stream().filter(r -> r.id().startsWith(ref)).toList();
    if (prefixed.size() == 1) {
      return prefixed.getFirst();
    }
    if (prefixed.size() > 1) {
      throw new InvalidArgumentException("network " + ref + " is ambiguous (" + prefixed.size() + " matches found based on ID prefix)");
    }
    throw new NotFoundException("network " + ref + " not found");
  }

  public synchronized List<NetworkRecord> list() {
    return List.copyOf(records.values());
  }

  /** The bridge driver of a network that has one. */
  public synchronized BridgeNetwork driver(NetworkRecord r) {
    BridgeNetwork d = drivers.get(r.id());
    if (d == null) {
      throw new InvalidArgumentException("network " + r.name() + " has no bridge to attach to");
    }
    return d;
  }

  /** The default bridge network. */
  public NetworkRecord defaultBridge() {
    return find(NetworkRecord.BRIDGE);
  }

  /** Removes a user-defined network; the caller has checked that no container uses it. */
  public synchronized void remove(NetworkRecord r) {
    if (!r.userDefined()) {
      throw new io.berth.errdefs.ForbiddenException(r.name() + " is a pre-defined network and cannot be removed");
    }
    BridgeNetwork d = drivers.remove(r.id());
    records.remove(r.id());
    meta.delete(BUCKET, r.id());
    if (d != null) {
      d.destroy();
    }
  }
}
