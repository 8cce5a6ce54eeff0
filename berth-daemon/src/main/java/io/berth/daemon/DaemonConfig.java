package io.berth.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.runtime.log.LogOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * berthd's settings, from flags and {@code daemon.json} (dockerd's key names). A flag wins over
 * the file; an unknown key in the file is an error, as in dockerd, so typos do not go unnoticed.
 */
public record DaemonConfig(
    List<String> hosts,
    Path dataRoot,
    Path execRoot,
    Path pidfile,
    String bridge,
    String bip,
    String nftTable,
    boolean insecureTcp,
    boolean tlsVerify,
    Path tlsCaCert,
    Path tlsCert,
    Path tlsKey,
    String cgroupParent,
    String registryAddr,
    Path registryStorage,
    List<String> insecureRegistries,
    int maxConcurrentDownloads,
    int maxConcurrentUploads,
    LogOptions logDefaults,
    io.berth.daemon.dashboard.DashboardSettings dashboard) {

  private static final Set<String> KEYS = Set.of("hosts", "data-root", "exec-root", "pidfile",
      "bridge", "bip", "nft-table", "tlsverify", "tlscacert", "tlscert", "tlskey", "tls",
      "cgroup-parent", "debug", "log-level", "live-restore", "registry-addr", "registry-storage",
      "insecure-registries", "max-concurrent-downloads", "max-concurrent-uploads", "log-driver", "log-opts",
      "dashboard-addr", "dashboard-tlscert", "dashboard-tlskey");

  public static final String DEFAULT_SOCKET = "unix:///run/berth/berth.sock";

  /** Overlays {@code file} (if it exists) under the values given on the command line. */
  public static DaemonConfig resolve(Flags f) {
    JsonNode file = RecordJson.object();
    if (f.configFile != null && Files.exists(f.configFile)) {
      try {
        file = RecordJson.MAPPER.readTree(f.configFile.toFile());
      } catch (IOException e) {
        throw new InvalidArgumentException("unable to configure the daemon with file "
            + f.configFile + ": " + e.getMessage());
      }
      if (file == null || !file.isObject()) {
        throw new InvalidArgumentException("unable to configure the daemon with file " + f.configFile
            + ": not a JSON object");
      }
      for (var it = file.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!KEYS.contains(k)) {
          throw new InvalidArgumentException("the following directives don't match any configuration option: " + k);
        }
      }
    }
    List<String> hosts = new ArrayList<>(f.hosts);
    if (hosts.isEmpty()) {
      file.path("hosts").forEach(h -> hosts.add(h.asText()));
    }
    if (hosts.isEmpty()) {
      hosts.add(DEFAULT_SOCKET);
    }
    Path dataRoot = pick(f.dataRoot, file, "data-root", "/var/lib/berth");
    Path execRoot = pick(f.execRoot, file, "exec-root", "/run/berth");
    Path pidfile = f.pidfile != null ? f.pidfile
        : file.has("pidfile") ? Path.of(file.get("pidfile").asText()) : execRoot.resolve("berthd.pid");
    String bridge = f.bridge != null ? f.bridge : file.path("bridge").asText("berth0");
    String bip = f.bip != null ? f.bip : file.path("bip").asText("10.88.0.1/16");
    String table = f.nftTable != null ? f.nftTable : file.path("nft-table").asText(
        bridge.equals("berth0") ? "berth" : "berth_" + bridge.replaceAll("[^A-Za-z0-9_]", "_"));
    boolean verify = f.tlsVerify || file.path("tlsverify").asBoolean(false);
    Path ca = f.tlsCaCert != null ? f.tlsCaCert : optPath(file, "tlscacert");
    Path cert = f.tlsCert != null ? f.tlsCert : optPath(file, "tlscert");
    Path key = f.tlsKey != null ? f.tlsKey : optPath(file, "tlskey");
    String cgroupParent = f.cgroupParent != null ? f.cgroupParent
        : file.path("cgroup-parent").asText(bridge.equals("berth0") ? "berth" : "berth-" + bridge);
    if (!bip.matches("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+")) {
      throw new InvalidArgumentException("invalid --bip " + bip + ": expected an address with prefix, e.g. 10.88.0.1/16");
    }
    // Berth's own registry inside berthd: off unless an address is given (e.g. 127.0.0.1:5000)
    String registryAddr = f.registryAddr != null ? f.registryAddr : file.path("registry-addr").asText(null);
    if (registryAddr != null && !registryAddr.matches("[^:]+:\\d{1,5}")) {
      throw new InvalidArgumentException("invalid registry-addr " + registryAddr + ": expected HOST:PORT, e.g. 127.0.0.1:5000");
    }
    Path registryStorage = f.registryStorage != null ? f.registryStorage
        : file.has("registry-storage") ? Path.of(file.get("registry-storage").asText()) : dataRoot.resolve("registry");
    List<String> insecure = new ArrayList<>(f.insecureRegistries);
    file.path("insecure-registries").forEach(r -> insecure.add(r.asText()));
    int downloads = concurrency(f.maxConcurrentDownloads, file, "max-concurrent-downloads",
        io.berth.distribution.RegistryAccess.DEFAULT_DOWNLOADS);
    int uploads = concurrency(f.maxConcurrentUploads, file, "max-concurrent-uploads",
        io.berth.distribution.RegistryAccess.DEFAULT_UPLOADS);
    return new DaemonConfig(hosts, dataRoot, execRoot, pidfile, bridge, bip, table,
        f.insecureTcp, verify, ca, cert, key, cgroupParent, registryAddr, registryStorage, List.copyOf(insecure),
        downloads, uploads, logDefaults(f, file), dashboard(f, file, cert, key));
  }

  /**
   * The log driver and options containers get when they name none ({@code log-driver},
   * {@code log-opts}; dockerd's --log-driver/--log-opt win), checked as a container's would be.
   */
  private static LogOptions logDefaults(Flags f, JsonNode file) {
    String driver = f.logDriver != null ? f.logDriver : file.path("log-driver").asText("json-file");
    Map<String, String> opts = new TreeMap<>();
    if (!f.logOpts.isEmpty()) {
      opts.putAll(f.logOpts);
    } else if (file.has("log-opts")) {
      if (!file.get("log-opts").isObject()) {
        throw new InvalidArgumentException("invalid log-opts in " + f.configFile + ": expected an object of strings");
      }
      for (var it = file.get("log-opts").fields(); it.hasNext(); ) {
        var e = it.next();
        if (!e.getValue().isTextual()) {
          throw new InvalidArgumentException("invalid log-opts in " + f.configFile + ": the value of " + e.getKey()
              + " must be a string (e.g. \"" + e.getKey() + "\": \"" + e.getValue().asText() + "\")");
        }
        opts.put(e.getKey(), e.getValue().asText());
      }
    }
    try {
      return LogOptions.parse(driver, opts);
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException("invalid default log configuration (log-driver " + driver
          + ", log-opts " + opts + "): " + e.getMessage());
    }
  }

  /** The dashboard's listener (issue 17), off unless an address is given; refused early when it would be unsafe. */
  private static io.berth.daemon.dashboard.DashboardSettings dashboard(Flags f, JsonNode file, Path cert, Path key) {
    String addr = f.dashboardAddr != null ? f.dashboardAddr : file.path("dashboard-addr").asText(null);
    Path dashCert = f.dashboardTlsCert != null ? f.dashboardTlsCert : optPath(file, "dashboard-tlscert");
    Path dashKey = f.dashboardTlsKey != null ? f.dashboardTlsKey : optPath(file, "dashboard-tlskey");
    return io.berth.daemon.dashboard.DashboardSettings.resolve(addr, dashCert, dashKey, cert, key);
  }

  private static int concurrency(Integer flag, JsonNode file, String key, int dflt) {
    if (flag == null && file.has(key) && !file.get(key).isInt()) {
      throw new InvalidArgumentException("invalid " + key + ": " + file.get(key) + " (expected a number)");
    }
    int n = flag != null ? flag : file.path(key).asInt(dflt);
    if (n < 1) {
      throw new InvalidArgumentException("invalid " + key + ": " + n + " (at least 1)");
    }
    return n;
  }

  private static Path pick(Path flag, JsonNode file, String key, String dflt) {
    if (flag != null) {
      return flag;
    }
    return Path.of(file.path(key).asText(dflt));
  }

  private static Path optPath(JsonNode file, String key) {
    return file.has(key) ? Path.of(file.get(key).asText()) : null;
  }

  /** Raw command-line values (null when not given). */
  public static final class Flags {
    public List<String> hosts = new ArrayList<>();
    public Path dataRoot;
    public Path execRoot;
    public Path pidfile;
    public Path configFile;
    public String bridge;
    public String bip;
    public String nftTable;
    public boolean insecureTcp;
    public boolean tlsVerify;
    public Path tlsCaCert;
    public Path tlsCert;
    public Path tlsKey;
    public String cgroupParent;
    public String registryAddr;
    public Path registryStorage;
    public List<String> insecureRegistries = new ArrayList<>();
    public Integer maxConcurrentDownloads;
    public Integer maxConcurrentUploads;
    public String logDriver;
    public Map<String, String> logOpts = new TreeMap<>();
    public String dashboardAddr;
    public Path dashboardTlsCert;
    public Path dashboardTlsKey;
  }
}
