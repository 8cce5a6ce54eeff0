package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.commands.Base;
import io.berth.cli.commands.SystemCommands;
import io.berth.cli.session.Cli;
import io.berth.client.ApiClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code swarm init|join|join-token|leave|update|ca|unlock|unlock-key}, as docker's, with docker's requests and words. */
public final class SwarmCommands {
  private SwarmCommands() {}

  public static void register(CommandLine root, Cli cli) {
    if (!cli.builds("swarm")) {
      return;
    }
    CommandLine group = new CommandLine(new SystemCommands.Group());
    group.getCommandSpec().name("swarm");
    group.getCommandSpec().usageMessage().description("Manage Swarm");
    Base.add(group, "init", new Init(cli));
    Base.add(group, "join", new Join(cli));
    Base.add(group, "join-token", new JoinToken(cli));
    Base.add(group, "leave", new Leave(cli));
    Base.add(group, "update", new Update(cli));
    Base.add(group, "ca", new Ca(cli));
    Base.add(group, "unlock", new Unlock(cli));
    Base.add(group, "unlock-key", new UnlockKey(cli));
    root.addSubcommand("swarm", group);
  }

  /** docker's NodeAddrOption: {@code ip|interface[:port]}, the missing host 0.0.0.0 and port 2377. */
  static String nodeAddr(String value) {
    String v = value.startsWith("tcp://") ? value.substring(6) : value;
    if (v.contains("://") || v.contains("/")) {
      throw new IllegalArgumentException("invalid argument \"" + value + "\" for \"--listen-addr\" flag: Invalid bind address format: " + value);
    }
    int colon = v.lastIndexOf(':');
    boolean hasPort = colon >= 0 && !(v.startsWith("[") && v.endsWith("]")) && (v.indexOf(':') == colon || v.startsWith("["));
    String host = hasPort ? v.substring(0, colon) : v;
    String port = hasPort ? v.substring(colon + 1) : "2377";
    if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
      throw new IllegalArgumentException("invalid argument \"" + value + "\" for \"--listen-addr\" flag: invalid port \"" + port + "\"");
    }
    return (host.isEmpty() ? "0.0.0.0" : host) + ":" + port;
  }

  static String availability(String value) {
    String a = value.toLowerCase(Locale.ROOT);
    if (!a.equals("active") && !a.equals("pause") && !a.equals("drain")) {
      throw new IllegalArgumentException("invalid availability \"" + value + "\", only active, pause and drain are supported");
    }
    return a;
  }

  static JsonNode swarm(ApiClient api) throws IOException {
    try (ApiClient.Response r = api.get("/swarm")) {
      return r.json();
    }
  }

  static JsonNode info(ApiClient api) throws IOException {
    try (ApiClient.Response r = api.get("/info")) {
      return r.json();
    }
  }

  /** {@code POST /swarm/update} with the swarm's version and docker's three rotation parameters. */
  static void update(ApiClient api, JsonNode sw, JsonNode spec, boolean worker, boolean manager, boolean unlockKey) throws IOException {
    api.post("/swarm/update?rotateManagerToken=" + manager + "&rotateManagerUnlockKey=" + unlockKey
        + "&rotateWorkerToken=" + worker + "&version=" + sw.path("Version").path("Index").asLong(), spec).close();
  }

  static void printJoinCommand(Cli cli, ApiClient api, String nodeId, boolean worker, boolean manager) throws IOException {
    JsonNode node;
    try (ApiClient.Response r = api.get("/nodes/" + Base.enc(nodeId))) {
      node = r.json();
    }
    JsonNode tokens = swarm(api).path("JoinTokens");
    String addr = node.path("ManagerStatus").path("Addr").asText();
    if (!node.path("ManagerStatus").isObject()) {
      return;
    }
    if (worker) {
      cli.out.print("To add a worker to this swarm, run the following command:\n\n    berth swarm join --token "
          + tokens.path("Worker").asText() + " " + addr + "\n\n");
    }
    if (manager) {
      cli.out.print("To add a manager to this swarm, run the following command:\n\n    berth swarm join --token "
          + tokens.path("Manager").asText() + " " + addr + "\n\n");
    }
  }

  static void printUnlockCommand(Cli cli, String key) {
    if (!key.isEmpty()) {
      cli.out.print("To unlock a swarm manager after it restarts, run the `berth swarm unlock`\ncommand and provide the following key:\n\n    "
          + key + "\n\nRemember to store this key in a password manager, since without it you\nwill not be able to restart the manager.\n");
    }
  }

  static String unlockKey(ApiClient api) throws IOException {
    try (ApiClient.Response r = api.get("/swarm/unlockkey")) {
      return r.json().path("UnlockKey").asText();
    } catch (io.berth.client.ApiException e) {
      throw new IOException("could not fetch unlock key: " + e.getMessage(), e);
    }
  }

  @Command(name = "init", description = "Initialize a swarm", mixinStandardHelpOptions = true)
  static final class Init extends Base {
    @Option(names = "--listen-addr", paramLabel = "node-addr", description = "Listen address (format: \"<ip|interface>[:port]\") (default 0.0.0.0:2377)")
    String listenAddr = "0.0.0.0:2377";
    @Option(names = "--advertise-addr", paramLabel = "string", description = "Advertised address (format: \"<ip|interface>[:port]\")")
    String advertiseAddr = "";
    @Option(names = "--autolock", description = "Enable manager autolocking (requiring an unlock key to start a stopped manager)") boolean autolock;
    @Option(names = "--availability", paramLabel = "string", description = "Availability of the node (\"active\", \"pause\", \"drain\") (default \"active\")")
    String availability;
    @Option(names = "--published-port-range", paramLabel = "start-end",
        description = "Published ports the swarm gives ingress ports that ask for none (Berth; default 30000-32767)")
    String publishedPortRange;
    @Option(names = "--network-key-rotation", paramLabel = "duration",
        description = "How often the managers add a key for encrypted overlays (Berth; ns|us|ms|s|m|h, default 12h)")
    String networkKeyRotation;
    @Mixin SwarmSpecFlags specFlags;

    Init(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      JsonNode r;
      try {
        r = api().post("/swarm/init", request()).json();
      } catch (io.berth.client.ApiException e) {
        String m = e.getMessage();
        if (m.contains("could not choose an IP address to advertise") || m.contains("could not find the system's IP address")) {
          throw new io.berth.client.ApiException(e.status(), m + " - specify one with --advertise-addr");
        }
        throw e;
      }
      String nodeId = r.isTextual() ? r.asText() : r.toString();
      cli.out.print("Swarm initialized: current node (" + nodeId + ") is now a manager.\n\n");
      printJoinCommand(cli, api(), nodeId, true, false);
      cli.out.println("To add a manager to this swarm, run 'berth swarm join-token manager' and follow the instructions.");
      if (autolock) {
        printUnlockCommand(cli, unlockKey(api()));
      }
      return 0;
    }

    /** docker's SwarmInit request, with the swarm flags merged into its Spec. */
    ObjectNode request() {
      ObjectNode b = SwarmRequests.init(nodeAddr(listenAddr), advertiseAddr, autolock,
          availability == null ? "" : availability(availability));
      specFlags.merge((ObjectNode) b.get("Spec"));
      if (publishedPortRange != null) {
        b.put("PublishedPortRange", publishedPortRange);
      }
      if (networkKeyRotation != null) {
        b.put("NetworkKeyRotation", io.berth.cli.format.Durations.nanos(networkKeyRotation, "--network-key-rotation"));
      }
      return b;
    }
  }

  @Command(name = "join", description = "Join a swarm as a node and/or manager", mixinStandardHelpOptions = true)
  static final class Join extends Base {
    @Option(names = "--listen-addr", paramLabel = "node-addr", description = "Listen address (format: \"<ip|interface>[:port]\") (default 0.0.0.0:2377)")
    String listenAddr = "0.0.0.0:2377";
    @Option(names = "--advertise-addr", paramLabel = "string", description = "Advertised address (format: \"<ip|interface>[:port]\")")
    String advertiseAddr = "";
    @Option(names = "--token", paramLabel = "string", description = "Token for entry into the swarm") String token = "";
    @Option(names = "--availability", paramLabel = "string", description = "Availability of the node (\"active\", \"pause\", \"drain\") (default \"active\")")
    String availability;
    @Parameters(index = "0", paramLabel = "HOST:PORT") String remote;

    Join(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      api().post("/swarm/join", request()).close();
      boolean manager = info(api()).path("Swarm").path("ControlAvailable").asBoolean();
      cli.out.println("This node joined a swarm as a " + (manager ? "manager." : "worker."));
      return 0;
    }

    ObjectNode request() {
      return SwarmRequests.join(nodeAddr(listenAddr), advertiseAddr, remote, token, availability == null ? "" : availability(availability));
    }
  }

  @Command(name = "join-token", description = "Manage join tokens", mixinStandardHelpOptions = true)
  static final class JoinToken extends Base {
    @Option(names = "--rotate", description = "Rotate join token") boolean rotate;
    @Option(names = {"-q", "--quiet"}, description = "Only display token") boolean quiet;
    @Parameters(index = "0", paramLabel = "(worker|manager)") String role;

    JoinToken(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      boolean worker = role.equals("worker");
      boolean manager = role.equals("manager");
      if (!worker && !manager) {
        throw new IllegalArgumentException("unknown role " + role);
      }
      if (rotate) {
        JsonNode sw = swarm(api());
        update(api(), sw, sw.path("Spec"), worker, manager, false);
        if (!quiet) {
          cli.out.print("Successfully rotated " + role + " join token.\n\n");
        }
      }
      JsonNode tokens = swarm(api()).path("JoinTokens");
      if (quiet) {
        cli.out.println(tokens.path(worker ? "Worker" : "Manager").asText());
        return 0;
      }
      printJoinCommand(cli, api(), info(api()).path("Swarm").path("NodeID").asText(), worker, manager);
      return 0;
    }
  }

  @Command(name = "leave", description = "Leave the swarm", mixinStandardHelpOptions = true)
  static final class Leave extends Base {
    @Option(names = {"-f", "--force"}, description = "Force this node to leave the swarm, ignoring warnings") boolean force;

    Leave(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      api().post("/swarm/leave" + (force ? "?force=1" : ""), null).close();
      cli.out.println("Node left the swarm.");
      return 0;
    }
  }

  @Command(name = "update", description = "Update the swarm", mixinStandardHelpOptions = true)
  static final class Update extends Base {
    @Option(names = "--autolock", arity = "0..1", paramLabel = "true|false", description = "Change manager autolocking setting (true|false)")
    Boolean autolock;
    @Option(names = "--network-key-rotation", paramLabel = "duration",
        description = "How often the managers add a key for encrypted overlays (Berth; ns|us|ms|s|m|h)")
    String networkKeyRotation;
    @Mixin SwarmSpecFlags specFlags;
    @CommandLine.Spec CommandLine.Model.CommandSpec self;

    Update(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      if (autolock == null && networkKeyRotation == null && !specFlags.any()) {
        self.commandLine().usage(cli.out);
        return 0;
      }
      JsonNode sw = swarm(api());
      ObjectNode spec = ((ObjectNode) sw.path("Spec")).deepCopy();
      boolean before = spec.path("EncryptionConfig").path("AutoLockManagers").asBoolean();
      specFlags.merge(spec);
      if (autolock != null) {
        spec.withObjectProperty("EncryptionConfig").put("AutoLockManagers", autolock);
      }
      if (networkKeyRotation != null) {
        spec.put("NetworkKeyRotation", io.berth.cli.format.Durations.nanos(networkKeyRotation, "--network-key-rotation"));
      }
      update(api(), sw, spec, false, false, false);
      cli.out.println("Swarm updated.");
      if (autolock != null && autolock && !before) {
        printUnlockCommand(cli, unlockKey(api()));
      }
      return 0;
    }
  }

  @Command(name = "ca", description = "Display and rotate the root CA", mixinStandardHelpOptions = true)
  static final class Ca extends Base {
    @Option(names = "--rotate", description = "Rotate the swarm CA - new certificate and key are generated") boolean rotate;
    @Option(names = "--cert-expiry", paramLabel = "duration", description = "Validity period for node certificates (ns|us|ms|s|m|h) (default 2160h0m0s)")
    String certExpiry;
    @Option(names = {"-d", "--detach"}, description = "Exit immediately instead of waiting for the root rotation to converge") boolean detach;
    @Option(names = {"-q", "--quiet"}, description = "Suppress progress output") boolean quiet;

    Ca(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      JsonNode sw = swarm(api());
      if (!rotate) {
        if (certExpiry != null) {
          throw new IllegalArgumentException("`--cert-expiry` flag requires the `--rotate` flag to update the CA");
        }
        return trustRoot(sw);
      }
      ObjectNode spec = ((ObjectNode) sw.path("Spec")).deepCopy();
      ObjectNode ca = spec.withObjectProperty("CAConfig");
      if (certExpiry != null) {
        ca.put("NodeCertExpiry", io.berth.cli.format.Durations.nanos(certExpiry, "--cert-expiry"));
      }
      ca.remove("SigningCACert");
      ca.remove("SigningCAKey");
      ca.put("ForceRotate", ca.path("ForceRotate").asLong() + 1);
      update(api(), sw, spec, false, false, false);
      if (detach) {
        return 0;
      }
      JsonNode now = awaitRotation();
      return quiet ? 0 : trustRoot(now);
    }

    /** Polls the swarm until its root rotation is over, bounded as the service wait is. */
    private JsonNode awaitRotation() throws IOException {
      long deadline = System.nanoTime() + Convergence.LIMIT.toNanos();
      for (int i = 0; i < Convergence.LIMIT.toSeconds() * 2 + 1; i++) {
        JsonNode sw = swarm(api());
        if (!sw.path("RootRotationInProgress").asBoolean()) {
          return sw;
        }
        if (!quiet && i == 0) {
          cli.out.println("rotated TLS certificates: waiting for the nodes to take the new root CA");
        }
        if (System.nanoTime() > deadline) {
          break;
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      throw new IllegalStateException("the root CA rotation did not finish within " + Convergence.LIMIT.toMinutes() + " minutes");
    }

    private int trustRoot(JsonNode sw) {
      String root = sw.path("TLSInfo").path("TrustRoot").asText();
      if (root.isEmpty()) {
        throw new IllegalStateException("no CA information available");
      }
      cli.out.println(root.strip());
      return 0;
    }
  }

  @Command(name = "unlock", description = "Unlock swarm", mixinStandardHelpOptions = true)
  static final class Unlock extends Base {
    Unlock(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      String state = info(api()).path("Swarm").path("LocalNodeState").asText();
      switch (state) {
        case "inactive" -> throw new IllegalStateException("error: this node is not part of a swarm");
        case "locked" -> { }
        default -> throw new IllegalStateException("error: swarm is not locked");
      }
      String key;
      if (cli.stdinIsTerminal() && System.console() != null) {
        char[] k = System.console().readPassword("Enter unlock key: ");
        key = k == null ? "" : new String(k);
      } else {
        String line = new BufferedReader(new InputStreamReader(cli.in, StandardCharsets.UTF_8)).readLine();
        key = line == null ? "" : line.strip();
      }
      api().post("/swarm/unlock", obj().put("UnlockKey", key)).close();
      return 0;
    }
  }

  @Command(name = "unlock-key", description = "Manage the unlock key", mixinStandardHelpOptions = true)
  static final class UnlockKey extends Base {
    @Option(names = "--rotate", description = "Rotate unlock key") boolean rotate;
    @Option(names = {"-q", "--quiet"}, description = "Only display token") boolean quiet;

    UnlockKey(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      if (rotate) {
        JsonNode sw = swarm(api());
        if (!sw.path("Spec").path("EncryptionConfig").path("AutoLockManagers").asBoolean()) {
          throw new IllegalStateException("cannot rotate because autolock is not turned on");
        }
        update(api(), sw, sw.path("Spec"), false, false, true);
        if (!quiet) {
          cli.out.println("Successfully rotated manager unlock key.");
        }
      }
      String key = unlockKey(api());
      if (key.isEmpty()) {
        throw new IllegalStateException("no unlock key is set");
      }
      if (quiet) {
        cli.out.println(key);
      } else {
        printUnlockCommand(cli, key);
      }
      return 0;
    }
  }
}
