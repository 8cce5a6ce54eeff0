package io.berth.daemon.network;

import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.network.HostRoutes;
import io.berth.network.Network;
import io.berth.network.NetworkDriver;
import io.berth.network.NetworkSpec;
import io.berth.network.Sandboxes;
import io.berth.store.meta.MetadataStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The networks of this daemon: the built-in bridge, host and none, and user-defined networks,
 * each carried by the network driver its record names ({@code bridge} today). Records live in
 * the metadata store; the drivers rebuild their kernel state from them on start.
 */
public final class NetworkService {
  private static final Logger LOG = LoggerFactory.getLogger(NetworkService.class);
  private static final String BUCKET = "networks";
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
  private final MetadataStore meta;
  private final Sandboxes sandboxes;
  /** The driver of swarm overlays: their records come from the swarm, never from a user's create. */
  public static final String OVERLAY = "overlay";
  private final Map<String, NetworkDriver> drivers = new LinkedHashMap<>();
  private final String nsTag;
  private final Map<String, NetworkRecord> records = new LinkedHashMap<>();
  private final Map<String, Network> networks = new LinkedHashMap<>();

  /** What {@code POST /networks/create} asks for, already parsed. */
  public record CreateRequest(String name, String driver, String subnet, String gateway, String ipRange,
      boolean internal, boolean attachable, Map<String, String> labels, Map<String, String> options) {}

  /**
   * @param drivers the network drivers, by the {@code Driver} value each carries
   * @param defaultBridge the daemon's {@code --bridge}: the default network's bridge, and the
   *     tag of the built-in networks' ids
   * @param bip the default bridge's address with its prefix ({@code --bip}, e.g. 10.88.0.1/16)
   */
  public NetworkService(MetadataStore meta, Sandboxes sandboxes, List<NetworkDriver> drivers, String defaultBridge,
      String bip) {
    this.meta = meta;
    this.sandboxes = sandboxes;
    drivers.forEach(d -> this.drivers.put(d.name(), d));
    this.nsTag = defaultBridge;
    String created = "0001-01-01T00:00:00Z";
    SubnetPool.Cidr subnet = SubnetPool.Cidr.parse(bip);
    records.put(builtinId(NetworkRecord.BRIDGE), new NetworkRecord(builtinId(NetworkRecord.BRIDGE),
        NetworkRecord.BRIDGE, "bridge", created, subnet.toString(), bip.substring(0, bip.indexOf('/')), null,
        false, false, Map.of(),
        Map.of(NetworkSpec.BRIDGE_NAME, defaultBridge, NetworkSpec.DEFAULT_BRIDGE, "true")));
    records.put(builtinId(NetworkRecord.HOST), new NetworkRecord(builtinId(NetworkRecord.HOST), NetworkRecord.HOST,
        "host", created, null, null, null, false, false, Map.of(), Map.of()));
    records.put(builtinId(NetworkRecord.NONE), new NetworkRecord(builtinId(NetworkRecord.NONE), NetworkRecord.NONE,
        "null", created, null, null, null, false, false, Map.of(), Map.of()));
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

  /**
   * Daemon start: reads the saved networks and has each driver adopt its networks' kernel
   * state, endpoints and published ports (live restore), the default bridge first; fails when
   * the default bridge cannot be set up.
   */
  public synchronized void init() {
    for (String key : meta.keys(BUCKET)) {
      NetworkRecord r;
      try {
        r = RecordJson.MAPPER.readValue(meta.get(BUCKET, key).orElseThrow(), NetworkRecord.class);
      } catch (IOException | RuntimeException e) {
        LOG.warn("skipping unreadable network record {}: {}", key, e.toString());
        continue;
      }
      if (!drivers.containsKey(r.driver())) {
        LOG.warn("skipping network {}: driver {} is not available", r.name(), r.driver());
        continue;
      }
      records.put(r.id(), r);
    }
    for (NetworkDriver d : drivers.values()) {
      List<NetworkSpec> known = records.values().stream().filter(r -> r.driver().equals(d.name()))
          .map(NetworkRecord::spec).toList();
      networks.putAll(d.restore(known));
    }
  }

  /** The namespaces containers run in, shared by all their networks. */
  public Sandboxes sandboxes() {
    return sandboxes;
  }

  public synchronized NetworkRecord create(CreateRequest q) {
    if (q.name() == null || q.name().isEmpty() || !NAME.matcher(q.name()).matches()) {
      throw new InvalidArgumentException("invalid network name \"" + q.name()
          + "\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
    }
    String driverName = q.driver() == null || q.driver().isEmpty() ? "bridge" : q.driver();
    NetworkDriver driver = drivers.get(driverName);
    if (driver == null) {
      throw new InvalidArgumentException("network driver \"" + driverName
          + "\" is not supported on a single node (bridge is; overlay comes with the cluster)");
    }
    if (driverName.equals(OVERLAY)) {
      throw new io.berth.errdefs.ForbiddenException("overlay networks are made by the swarm's managers "
          + "(docker network create -d overlay on a manager), not by one engine");
    }
    if (q.options() != null && q.options().containsKey(NetworkSpec.DEFAULT_BRIDGE)) {
      throw new InvalidArgumentException("option " + NetworkSpec.DEFAULT_BRIDGE + " belongs to the built-in bridge network");
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
    NetworkRecord r = new NetworkRecord(id, q.name(), driverName, Instant.now().toString(), subnet.toString(),
        gateway, q.ipRange() == null || q.ipRange().isEmpty() ? null : q.ipRange(), q.internal(), q.attachable(),
        q.labels() == null ? Map.of() : Map.copyOf(q.labels()),
        q.options() == null ? Map.of() : Map.copyOf(q.options()));
    Network n = driver.create(r.spec()); // validates gateway, ip-range, bridge name
    try {
      meta.put(BUCKET, id, RecordJson.MAPPER.writeValueAsBytes(r));
    } catch (IOException | RuntimeException e) {
      try {
        n.delete();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e instanceof RuntimeException re ? re : new UncheckedIOException((IOException) e);
    }
    records.put(r.id(), r);
    networks.put(r.id(), n);
    return r;
  }

  /**
   * The local copy of a swarm overlay this node's tasks need, made when missing (kept in the
   * metadata store like any network, so a restarted daemon adopts its kernel state). The swarm
   * allocated it; only a clash with this engine's own networks (a name, an overlapping subnet:
   * both live in this host's routing table) is refused.
   */
  public synchronized Network ensureOverlay(String id, String name, String subnet, String gateway, boolean internal,
      Map<String, String> options) {
    NetworkRecord known = records.get(id);
    if (known != null) {
      return network(known);
    }
    for (NetworkRecord r : records.values()) {
      if (r.name().equals(name)) {
        throw new ConflictException("swarm network " + name + " clashes with this engine's network of the same name");
      }
      if (r.subnet() != null && SubnetPool.Cidr.parse(r.subnet()).overlaps(SubnetPool.Cidr.parse(subnet))) {
        throw new ConflictException("swarm network " + name + " (" + subnet + ") overlaps this engine's network "
            + r.name() + " (" + r.subnet() + ")");
      }
    }
    NetworkDriver driver = drivers.get(OVERLAY);
    if (driver == null) {
      throw new InvalidArgumentException("this engine has no overlay driver");
    }
    NetworkRecord r = new NetworkRecord(id, name, OVERLAY, Instant.now().toString(), subnet, gateway, null, internal,
        false, Map.of(), Map.copyOf(options));
    Network n = driver.create(r.spec());
    try {
      meta.put(BUCKET, id, RecordJson.MAPPER.writeValueAsBytes(r));
    } catch (IOException | RuntimeException e) {
      n.delete();
      throw e instanceof RuntimeException re ? re : new UncheckedIOException((IOException) e);
    }
    records.put(id, r);
    networks.put(id, n);
    return n;
  }

  /** This engine's copies of swarm overlays. */
  public synchronized List<NetworkRecord> overlays() {
    return records.values().stream().filter(r -> r.driver().equals(OVERLAY)).toList();
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

  /** The driver's network that carries {@code r}, for a record that has endpoints. */
  public synchronized Network network(NetworkRecord r) {
    Network n = networks.get(r.id());
    if (n == null) {
      throw new InvalidArgumentException("network " + r.name() + " has no driver to attach to");
    }
    return n;
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
    Network n = networks.remove(r.id());
    records.remove(r.id());
    meta.delete(BUCKET, r.id());
    if (n != null) {
      n.delete();
    }
  }
}
