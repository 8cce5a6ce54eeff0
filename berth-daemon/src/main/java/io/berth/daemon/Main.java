package io.berth.daemon;

import io.berth.daemon.system.DaemonInfo;
import io.berth.errdefs.BerthException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berthd}: the daemon's command line, with dockerd's flag names. */
@Command(name = "berthd", mixinStandardHelpOptions = true, version = "berthd " + DaemonInfo.VERSION,
    description = "Berth daemon: runs containers and serves the Docker Engine API.",
    sortOptions = false)
public final class Main implements Callable<Integer> {
  @Option(names = {"-H", "--host"}, description = "Daemon socket(s) to listen on (unix:///path, tcp://ip:port). Default: "
      + DaemonConfig.DEFAULT_SOCKET)
  List<String> hosts = new ArrayList<>();

  @Option(names = "--data-root", description = "Root of persistent state (default /var/lib/berth)")
  Path dataRoot;

  @Option(names = "--exec-root", description = "Root of runtime state (default /run/berth)")
  Path execRoot;

  @Option(names = {"-p", "--pidfile"}, description = "Path of the pid file (default <exec-root>/berthd.pid)")
  Path pidfile;

  @Option(names = "--config-file", description = "Daemon configuration file (default /etc/berth/daemon.json)")
  Path configFile = Path.of("/etc/berth/daemon.json");

  @Option(names = {"-b", "--bridge"}, description = "Name of the default bridge (default berth0)")
  String bridge;

  @Option(names = "--bip", description = "Bridge gateway address with prefix (default 10.88.0.1/16)")
  String bip;

  @Option(names = "--nft-table", description = "Name of this daemon's nftables table (default berth)")
  String nftTable;

  @Option(names = "--cgroup-parent", description = "Parent cgroup of containers (default berth)")
  String cgroupParent;

  @Option(names = "--tlsverify", description = "Require client certificates signed by --tlscacert")
  boolean tlsVerify;

  @Option(names = "--tlscacert", description = "CA certificate (PEM) that client certificates must chain to")
  Path tlsCaCert;

  @Option(names = "--tlscert", description = "Server certificate (PEM)")
  Path tlsCert;

  @Option(names = "--tlskey", description = "Server private key (PEM)")
  Path tlsKey;

  @Option(names = "--insecure-tcp", description = "Allow plain TCP listeners without TLS (dangerous)")
  boolean insecureTcp;

  @Option(names = "--registry-addr", description = "Also serve Berth's image registry on HOST:PORT (loopback only "
      + "without TLS; off by default)")
  String registryAddr;

  @Option(names = "--insecure-registry", description = "Registry (host:port or CIDR) to reach over plain HTTP; repeatable")
  java.util.List<String> insecureRegistries = new java.util.ArrayList<>();

  @Option(names = "--max-concurrent-downloads", description = "Maximum concurrent downloads for each pull (default 6)")
  Integer maxConcurrentDownloads;

  @Option(names = "--max-concurrent-uploads", description = "Maximum concurrent uploads for each push (default 5)")
  Integer maxConcurrentUploads;

  @Option(names = "--registry-storage", description = "Storage of the built-in registry (default <data-root>/registry)")
  Path registryStorage;

  @Option(names = "--log-driver", description = "Default log driver of containers: json-file (default), local or none")
  String logDriver;

  @Option(names = "--log-opt", description = "Default log driver option KEY=VALUE (e.g. max-size=10m); repeatable")
  java.util.Map<String, String> logOpts = new java.util.TreeMap<>();

  @Option(names = "--dashboard-addr", description = "Serve the web dashboard on HOST:PORT (off by default; TLS needed "
      + "unless loopback)")
  String dashboardAddr;

  @Option(names = "--dashboard-tlscert", description = "Dashboard's TLS certificate (PEM; default: --tlscert)")
  Path dashboardTlsCert;

  @Option(names = "--dashboard-tlskey", description = "Dashboard's TLS private key (PEM; default: --tlskey)")
  Path dashboardTlsKey;

  @Override
  public Integer call() throws Exception {
    DaemonConfig.Flags f = new DaemonConfig.Flags();
    f.hosts = hosts;
    f.dataRoot = dataRoot;
    f.execRoot = execRoot;
    f.pidfile = pidfile;
    f.configFile = configFile;
    f.bridge = bridge;
    f.bip = bip;
    f.nftTable = nftTable;
    f.cgroupParent = cgroupParent;
    f.tlsVerify = tlsVerify;
    f.tlsCaCert = tlsCaCert;
    f.tlsCert = tlsCert;
    f.tlsKey = tlsKey;
    f.insecureTcp = insecureTcp;
    f.registryAddr = registryAddr;
    f.registryStorage = registryStorage;
    f.insecureRegistries = insecureRegistries;
    f.maxConcurrentDownloads = maxConcurrentDownloads;
    f.maxConcurrentUploads = maxConcurrentUploads;
    f.logDriver = logDriver;
    f.logOpts = logOpts;
    f.dashboardAddr = dashboardAddr;
    f.dashboardTlsCert = dashboardTlsCert;
    f.dashboardTlsKey = dashboardTlsKey;
    Daemon daemon = new Daemon(DaemonConfig.resolve(f));
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      daemon.close();
      stop.countDown();
    }));
    daemon.start();
    stop.await();
    return 0;
  }

  public static void main(String[] args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof BerthException || ex instanceof java.io.IOException) {
        System.err.println("berthd: " + ex.getMessage());
        return 1;
      }
      throw ex;
    });
    int code = cl.execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }
}
