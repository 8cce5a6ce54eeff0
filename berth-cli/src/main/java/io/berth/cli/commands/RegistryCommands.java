package io.berth.cli.commands;

import io.berth.cli.session.Cli;
import io.berth.cli.session.DaemonFree;
import io.berth.http.MetricsListener;
import io.berth.registry.GarbageCollector;
import io.berth.registry.RegistryConfig;
import io.berth.registry.RegistryServer;
import io.berth.registry.RegistryStorage;
import io.berth.registry.auth.Authorizers;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth registry serve|gc}: Berth's OCI Distribution registry, run in this process (no
 * daemon needed), on its own storage directory.
 */
public final class RegistryCommands {
  private RegistryCommands() {}

  public static void register(CommandLine root, Cli cli) {
    CommandLine group = new CommandLine(new SystemCommands.Group());
    group.getCommandSpec().name("registry");
    group.getCommandSpec().usageMessage().description("Run Berth's image registry (OCI Distribution)");
    Base.add(group, "serve", new Serve(cli));
    Base.add(group, "gc", new Gc(cli));
    root.addSubcommand("registry", group);
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = "Serve an OCI Distribution registry until stopped (SIGTERM or Ctrl-C)")
  static final class Serve extends Base implements DaemonFree {
    @Override
    public String withoutDaemon() {
      return "which serves a registry of its own and talks to no daemon";
    }

    @Option(names = "--addr", defaultValue = "127.0.0.1:5000", description = "HOST:PORT to listen on (default: ${DEFAULT-VALUE})")
    String addr;

    @Option(names = "--storage", required = true, description = "Directory for blobs, manifests and uploads")
    Path storage;

    @Option(names = "--tls-cert", description = "PEM certificate (chain) to serve TLS with")
    Path tlsCert;

    @Option(names = "--tls-key", description = "PEM private key of --tls-cert")
    Path tlsKey;

    @Option(names = "--htpasswd", description = "htpasswd file (bcrypt) of the users who may log in")
    Path htpasswd;

    @Option(names = "--auth", defaultValue = "basic", description = "With --htpasswd: basic, or token (Docker's bearer token flow with a built-in issuer)")
    String auth;

    @Option(names = "--insecure", description = "Allow plain HTTP on an address other than loopback")
    boolean insecure;

    @Option(names = "--access", description = "JSON file of per-repository rules [{account, repository, actions}]")
    Path access;

    @Option(names = "--metrics-addr", description = "Also serve Prometheus metrics at /metrics on HOST:PORT, a listener "
        + "of its own (off by default)")
    String metricsAddr;

    Serve(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      int colon = addr.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("--addr must be HOST:PORT, got " + addr);
      }
      String host = addr.substring(0, colon).replaceAll("^\\[|]$", "");
      int port = Integer.parseInt(addr.substring(colon + 1));
      if ((tlsCert == null) != (tlsKey == null)) {
        throw new IllegalArgumentException("--tls-cert and --tls-key go together");
      }
      if (tlsCert == null && !insecure && !InetAddress.getByName(host).isLoopbackAddress()) {
        throw new IllegalArgumentException("refusing to serve plain HTTP on " + addr + ": give --tls-cert/--tls-key, "
            + "listen on loopback, or pass --insecure");
      }
      if (!auth.equals("basic") && !auth.equals("token")) {
        throw new IllegalArgumentException("--auth must be basic or token, got " + auth);
      }
      if (access != null && htpasswd == null) {
        throw new IllegalArgumentException("--access needs --htpasswd: rules name the users who log in");
      }
      if (metricsAddr != null) {
        MetricsListener.parse(metricsAddr, "--metrics-addr");
      }
      RegistryConfig config = new RegistryConfig(host, port, storage, tlsCert, tlsKey, htpasswd, auth.equals("token"),
          RegistryConfig.DEFAULT_MAX_MANIFEST, access);
      Authorizers.Auth auth = Authorizers.from(config.auth());
      CountDownLatch stop = new CountDownLatch(1);
      PrometheusMeterRegistry meters = metricsAddr == null ? null : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try (RegistryServer server = RegistryServer.start(config, auth.authorizer(), auth.routes(), meters);
          MetricsListener metrics = meters == null ? null
              : MetricsListener.start(metricsAddr, "--metrics-addr", meters::scrape, MetricsListener.PROMETHEUS_TEXT)) {
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        if (metrics != null) {
          cli.err.println("berth registry metrics at http://" + metricsAddr + "/metrics");
        }
        cli.err.println("berth registry listening on " + (config.tls() ? "https://" : "http://") + host + ":"
            + server.port() + ", storage " + storage.toAbsolutePath()
            + (htpasswd == null ? "" : ", " + (config.tokenAuth() ? "token" : "basic") + " auth from " + htpasswd));
        stop.await();
      }
      return 0;
    }
  }

  @Command(name = "gc", mixinStandardHelpOptions = true,
      description = "Delete blobs no manifest references (run while the registry is stopped)")
  static final class Gc extends Base implements DaemonFree {
    @Override
    public String withoutDaemon() {
      return "which works on the registry's storage directly and talks to no daemon";
    }

    @Option(names = "--storage", required = true, description = "The registry's storage directory")
    Path storage;

    @Option(names = {"-n", "--dry-run"}, description = "Only print what would be deleted")
    boolean dryRun;

    @Option(names = {"-m", "--delete-untagged"}, description = "Also delete manifests no tag points to")
    boolean deleteUntagged;

    Gc(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      GarbageCollector.Result r = new GarbageCollector(new RegistryStorage(storage))
          .run(dryRun, deleteUntagged, cli.out::println);
      cli.out.printf("%s %d blobs (%d bytes), %d untagged manifests, %d stale uploads%n",
          dryRun ? "would delete" : "deleted", r.blobs().size(), r.bytes(), r.untagged().size(), r.uploads());
      return 0;
    }
  }
}
