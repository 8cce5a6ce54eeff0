package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.commands.Base;
import io.berth.cli.commands.EnvFile;
import io.berth.cli.commands.ImageCommands;
import io.berth.cli.commands.MountFlag;
import io.berth.cli.session.Cli;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code service create}: the ServiceSpec docker's CLI sends for the same flags (its empty
 * objects and defaults included, so the daemon sees the same request from either client), the
 * image pinned to its digest, the registry credentials as {@code X-Registry-Auth} when asked,
 * then the wait for the service to converge unless {@code --detach}.
 */
@Command(name = "create", description = "Create a new service", mixinStandardHelpOptions = true)
final class ServiceCreate extends Base {
  @Mixin ServiceOptions options;
  @Option(names = "--mode", paramLabel = "string", description = "Service mode (\"replicated\", \"global\", \"replicated-job\", \"global-job\") (default \"replicated\")")
  String mode = "replicated";
  @Option(names = "--name", paramLabel = "string", description = "Service name") String name;
  @Option(names = {"-l", "--label"}, paramLabel = "list", description = "Service labels") List<String> labels = new ArrayList<>();
  @Option(names = "--container-label", paramLabel = "list", description = "Container labels") List<String> containerLabels = new ArrayList<>();
  @Option(names = {"-e", "--env"}, paramLabel = "list", description = "Set environment variables") List<String> env = new ArrayList<>();
  @Option(names = "--env-file", paramLabel = "list", description = "Read in a file of environment variables") List<Path> envFiles = new ArrayList<>();
  @Option(names = "--mount", paramLabel = "mount", description = "Attach a filesystem mount to the service") List<String> mounts = new ArrayList<>();
  @Option(names = "--constraint", paramLabel = "list", description = "Placement constraints") List<String> constraints = new ArrayList<>();
  @Option(names = "--placement-pref", paramLabel = "pref", description = "Add a placement preference") List<String> prefs = new ArrayList<>();
  @Option(names = "--network", paramLabel = "network", description = "Network attachments") List<String> networks = new ArrayList<>();
  @Option(names = "--secret", paramLabel = "secret", description = "Specify secrets to expose to the service") List<String> secrets = new ArrayList<>();
  @Option(names = "--config", paramLabel = "config", description = "Specify configurations to expose to the service") List<String> configs = new ArrayList<>();
  @Option(names = {"-p", "--publish"}, paramLabel = "port", description = "Publish a port as a node port") List<String> publish = new ArrayList<>();
  @Mixin UpdateFlags rolling;
  @Parameters(index = "0", paramLabel = "IMAGE") String image;
  @Parameters(index = "1..*", paramLabel = "COMMAND") List<String> args = new ArrayList<>();

  ServiceCreate(Cli cli) {
    super(cli);
  }

  @Override
  public Integer call() throws Exception {
    ObjectNode spec = spec();
    Map<String, String> auth = options.withRegistryAuth ? ImageCommands.registryAuth(cli, image) : Map.of();
    String warning = options.noResolveImage ? null : Images.pin(api(), (ObjectNode) spec.get("TaskTemplate"), auth);
    if (options.noResolveImage) {
      ((ObjectNode) spec.path("TaskTemplate").path("ContainerSpec")).put("Image", Images.tagged(image));
    }
    JsonNode r;
    try (var resp = api().post("/services/create", spec, auth)) {
      r = resp.json();
    }
    if (warning != null) {
      cli.err.println(warning);
    }
    r.path("Warnings").forEach(w -> cli.err.println(w.asText()));
    String id = r.path("ID").asText();
    cli.out.println(id);
    return options.detach ? 0 : new Convergence(api(), cli, options.quiet).await(id);
  }

  /** The ServiceSpec of the flags, as docker's {@code ToService} builds it (the image not yet pinned). */
  ObjectNode spec() throws java.io.IOException {
    List<ObjectNode> ports = PublishFlag.parseAll(publish, "--publish"); // flag errors before any request, as docker's
    ObjectNode s = obj();
    if (name != null && !name.isEmpty()) {
      s.put("Name", name);
    }
    s.set("Labels", keyValues(labels));
    ObjectNode template = s.putObject("TaskTemplate");
    ObjectNode cs = template.putObject("ContainerSpec");
    cs.put("Image", image);
    payloads(cs, PayloadFlag.Kind.SECRET, secrets, "--secret");
    payloads(cs, PayloadFlag.Kind.CONFIG, configs, "--config");
    if (!containerLabels.isEmpty()) {
      cs.set("Labels", keyValues(containerLabels));
    }
    if (!args.isEmpty()) {
      ArrayNode a = cs.putArray("Args");
      args.forEach(a::add);
    }
    List<String> environment = environment();
    if (!environment.isEmpty()) {
      ArrayNode e = cs.putArray("Env");
      environment.forEach(e::add);
    }
    options.applyContainer(cs);
    if (!mounts.isEmpty()) {
      ArrayNode m = cs.putArray("Mounts");
      mounts.forEach(x -> m.add(MountFlag.parse(x)));
    }
    cs.put("Init", false);
    ObjectNode health = options.healthcheck(null);
    if (health != null) {
      cs.set("Healthcheck", health);
    }
    cs.putObject("DNSConfig");
    options.applyResources(template.putObject("Resources"));
    options.applyRestart(template);
    ObjectNode placement = template.putObject("Placement");
    if (!constraints.isEmpty()) {
      ArrayNode c = placement.putArray("Constraints");
      constraints.forEach(c::add);
    }
    if (!prefs.isEmpty()) {
      ArrayNode p = placement.putArray("Preferences");
      prefs.forEach(x -> p.add(preference(x)));
    }
    long maxReplicas = options.maxReplicas == null ? 0 : ServiceOptions.uint(options.maxReplicas, "--replicas-max-per-node");
    if (maxReplicas > 0) {
      placement.put("MaxReplicas", maxReplicas);
    }
    template.put("ForceUpdate", 0);
    ArrayNode nets = NetworkFlag.create(api(), networks);
    if (nets != null) {
      template.set("Networks", nets);
    }
    s.set("Mode", mode(maxReplicas));
    if (s.get("Mode").has("ReplicatedJob") || s.get("Mode").has("GlobalJob")) {
      if (rolling.updateChanged() || rolling.rollbackChanged()) {
        throw new IllegalArgumentException("update and rollback configuration is not supported for jobs");
      }
    }
    rolling.apply(s);
    ObjectNode endpoint = s.putObject("EndpointSpec");
    endpoint.put("Mode", options.endpointMode == null ? "vip" : options.endpointMode.toLowerCase(java.util.Locale.ROOT));
    if (!ports.isEmpty()) {
      endpoint.putArray("Ports").addAll(ports);
    }
    return s;
  }

  /** Docker's ToServiceMode: the mode object, and its refusals of flags the mode has no use for. */
  private ObjectNode mode(long maxReplicas) {
    ObjectNode m = obj();
    Long replicas = options.replicas == null ? null : ServiceOptions.uint(options.replicas, "--replicas");
    switch (mode) {
      case "replicated" -> {
        ObjectNode r = m.putObject("Replicated");
        if (replicas != null) {
          r.put("Replicas", replicas);
        }
      }
      case "replicated-job" -> {
        ObjectNode j = m.putObject("ReplicatedJob");
        if (replicas != null) {
          j.put("MaxConcurrent", replicas);
          j.put("TotalCompletions", replicas);
        }
      }
      case "global", "global-job" -> {
        if (replicas != null) {
          throw new IllegalArgumentException("replicas can only be used with replicated or replicated-job mode");
        }
        if (maxReplicas > 0) {
          throw new IllegalArgumentException("replicas-max-per-node can only be used with replicated or replicated-job mode");
        }
        m.putObject(mode.equals("global") ? "Global" : "GlobalJob");
      }
      default -> throw new IllegalArgumentException("unknown mode: " + mode + ", only replicated and global supported");
    }
    return m;
  }

  /** {@code --env-file} lines then {@code -e} values; a later value of a name replaces an earlier one, as docker's makeEnv. */
  private List<String> environment() throws java.io.IOException {
    List<String> all = new ArrayList<>();
    for (Path f : envFiles) {
      all.addAll(EnvFile.parse(f, cli.env));
    }
    env.forEach(e -> all.add(EnvFile.flag(e, cli.env)));
    return merged(List.of(), all, List.of());
  }

  /**
   * {@code current} with the {@code removed} names dropped and {@code added} set, each name once,
   * a changed name moved to the end (docker's order for {@code -e} and {@code --env-add}).
   */
  static List<String> merged(List<String> current, List<String> added, List<String> removed) {
    List<String> out = new ArrayList<>(current);
    for (String r : removed) {
      String key = r.contains("=") ? r.substring(0, r.indexOf('=')) : r;
      out.removeIf(e -> e.equals(r) || e.equals(key) || e.startsWith(key + "="));
    }
    for (String a : added) {
      if (out.contains(a)) {
        continue;
      }
      String key = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      out.removeIf(e -> e.equals(key) || e.startsWith(key + "="));
      out.add(a);
    }
    return out;
  }

  /** {@code k=v} strings as a map object; a bare {@code k} has the empty value, as docker's ConvertKVStringsToMap. */
  private void payloads(ObjectNode cs, PayloadFlag.Kind kind, List<String> values, String flag) throws java.io.IOException {
    if (!values.isEmpty()) {
      List<ObjectNode> refs = values.stream().map(v -> PayloadFlag.parse(kind, v, flag)).toList();
      cs.set(kind.field, PayloadFlag.resolve(api(), kind, refs));
    }
  }

  static ObjectNode keyValues(List<String> kvs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String kv : kvs) {
      int eq = kv.indexOf('=');
      m.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
    }
    ObjectNode o = obj();
    m.forEach(o::put);
    return o;
  }

  /** {@code --placement-pref spread=LABEL}: the one strategy docker has. */
  static ObjectNode preference(String value) {
    int eq = value.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("invalid argument \"" + value + "\" for \"--placement-pref\" flag: "
          + "placement preference must be of the format \"<strategy>=<arg>\"");
    }
    String strategy = value.substring(0, eq);
    if (!strategy.equals("spread")) {
      throw new IllegalArgumentException("invalid argument \"" + value + "\" for \"--placement-pref\" flag: "
          + "unsupported placement preference " + strategy + " (only spread is supported)");
    }
    ObjectNode p = obj();
    p.putObject("Spread").put("SpreadDescriptor", value.substring(eq + 1));
    return p;
  }
}
