package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.commands.Base;
import io.berth.cli.commands.EnvFile;
import io.berth.cli.commands.ImageCommands;
import io.berth.cli.commands.MountFlag;
import io.berth.cli.session.Cli;
import io.berth.client.ApiClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code service update}: docker's read-modify-write of the spec: the service as it is
 * ({@code insertDefaults=false}), the given flags applied to it, sent back with its version so
 * a concurrent change is refused rather than lost; {@code registryAuthFrom=spec} unless
 * {@code --with-registry-auth} sends fresh credentials.
 */
@Command(name = "update", description = "Update a service", mixinStandardHelpOptions = true)
final class ServiceUpdate extends Base {
  @Mixin ServiceOptions options;
  @Option(names = "--image", paramLabel = "string", description = "Service image tag") String image;
  @Option(names = "--args", paramLabel = "command", description = "Service command args (split as a shell would)") String args;
  @Option(names = "--force", description = "Force update even if no changes require it") boolean force;
  @Option(names = "--env-add", paramLabel = "list", description = "Add or update an environment variable") List<String> envAdd = new ArrayList<>();
  @Option(names = "--env-rm", paramLabel = "list", description = "Remove an environment variable") List<String> envRm = new ArrayList<>();
  @Option(names = "--label-add", paramLabel = "list", description = "Add or update a service label") List<String> labelAdd = new ArrayList<>();
  @Option(names = "--label-rm", paramLabel = "list", description = "Remove a label by its key") List<String> labelRm = new ArrayList<>();
  @Option(names = "--container-label-add", paramLabel = "list", description = "Add or update a container label")
  List<String> containerLabelAdd = new ArrayList<>();
  @Option(names = "--container-label-rm", paramLabel = "list", description = "Remove a container label by its key")
  List<String> containerLabelRm = new ArrayList<>();
  @Option(names = "--constraint-add", paramLabel = "list", description = "Add or update a placement constraint") List<String> constraintAdd = new ArrayList<>();
  @Option(names = "--constraint-rm", paramLabel = "list", description = "Remove a constraint") List<String> constraintRm = new ArrayList<>();
  @Option(names = "--mount-add", paramLabel = "mount", description = "Add or update a mount on a service") List<String> mountAdd = new ArrayList<>();
  @Option(names = "--mount-rm", paramLabel = "list", description = "Remove a mount by its target path") List<String> mountRm = new ArrayList<>();
  @Option(names = "--placement-pref-add", paramLabel = "pref", description = "Add a placement preference") List<String> prefAdd = new ArrayList<>();
  @Option(names = "--placement-pref-rm", paramLabel = "pref", description = "Remove a placement preference") List<String> prefRm = new ArrayList<>();
  @Option(names = "--network-add", paramLabel = "network", description = "Add a network") List<String> networkAdd = new ArrayList<>();
  @Option(names = "--network-rm", paramLabel = "list", description = "Remove a network") List<String> networkRm = new ArrayList<>();
  @Option(names = "--publish-add", paramLabel = "port", description = "Add or update a published port") List<String> publishAdd = new ArrayList<>();
  @Option(names = "--publish-rm", paramLabel = "port", description = "Remove a published port by its target port") List<String> publishRm = new ArrayList<>();
  @Option(names = "--secret-add", paramLabel = "secret", description = "Add or update a secret on a service") List<String> secretAdd = new ArrayList<>();
  @Option(names = "--secret-rm", paramLabel = "list", description = "Remove a secret") List<String> secretRm = new ArrayList<>();
  @Option(names = "--config-add", paramLabel = "config", description = "Add or update a config file on a service") List<String> configAdd = new ArrayList<>();
  @Option(names = "--config-rm", paramLabel = "list", description = "Remove a configuration file") List<String> configRm = new ArrayList<>();
  @Option(names = "--rollback", description = "Rollback to previous specification") boolean rollback;
  @Mixin UpdateFlags rolling;
  @Spec CommandSpec command;
  @Parameters(index = "0", paramLabel = "SERVICE") String service;

  ServiceUpdate(Cli cli) {
    super(cli);
  }

  @Override
  public Integer call() throws Exception {
    // flag errors before any request, as docker's
    List<ObjectNode> portsAdded = PublishFlag.parseAll(publishAdd, "--publish-add");
    List<ObjectNode> portsRemoved = PublishFlag.parseAll(publishRm, "--publish-rm");
    networkAdd.forEach(v -> NetworkFlag.parse(v, "--network-add"));
    if (rollback && command.commandLine().getParseResult().matchedOptions().stream()
        .anyMatch(o -> !List.of("--rollback", "--detach", "--quiet").contains(o.longestName()))) {
      throw new IllegalArgumentException("other flags may not be combined with --rollback");
    }
    JsonNode current;
    try (ApiClient.Response r = api().get("/services/" + enc(service) + "?insertDefaults=false")) {
      current = r.json();
    }
    ObjectNode spec = ((ObjectNode) current.path("Spec")).deepCopy();
    apply(spec);
    if (!networkAdd.isEmpty() || !networkRm.isEmpty()) {
      NetworkFlag.update(api(), spec, networkAdd, networkRm);
    }
    if (!secretAdd.isEmpty() || !secretRm.isEmpty()) {
      PayloadFlag.update(api(), PayloadFlag.Kind.SECRET, containerSpec(spec), secretAdd, secretRm, "--secret-add");
    }
    if (!configAdd.isEmpty() || !configRm.isEmpty()) {
      PayloadFlag.update(api(), PayloadFlag.Kind.CONFIG, containerSpec(spec), configAdd, configRm, "--config-add");
    }
    if (!portsAdded.isEmpty() || !portsRemoved.isEmpty()) {
      ObjectNode endpoint = spec.withObjectProperty("EndpointSpec");
      JsonNode ports = PublishFlag.merge(endpoint.path("Ports"), portsAdded, portsRemoved);
      if (ports == null) {
        endpoint.remove("Ports");
      } else {
        endpoint.set("Ports", ports);
      }
    }
    String img = spec.path("TaskTemplate").path("ContainerSpec").path("Image").asText();
    Map<String, String> auth = options.withRegistryAuth ? ImageCommands.registryAuth(cli, img) : Map.of();
    String warning = null;
    if (image != null) {
      warning = options.noResolveImage ? null : Images.pin(api(), (ObjectNode) spec.get("TaskTemplate"), auth);
      if (options.noResolveImage) {
        ((ObjectNode) spec.path("TaskTemplate").path("ContainerSpec")).put("Image", Images.tagged(image));
      }
    }
    String q = (options.withRegistryAuth ? "" : "registryAuthFrom=spec&") + (rollback ? "rollback=previous&" : "") + "version=" + current.path("Version").path("Index").asLong();
    JsonNode r;
    try (ApiClient.Response resp = api().post("/services/" + current.path("ID").asText() + "/update?" + q, spec, auth)) {
      r = resp.json();
    }
    if (warning != null) {
      cli.err.println(warning);
    }
    r.path("Warnings").forEach(w -> cli.err.println(w.asText()));
    cli.out.println(service);
    return options.detach ? 0 : new Convergence(api(), cli, options.quiet).await(current.path("ID").asText());
  }

  /** Applies the given flags to {@code spec} (docker's updateService, for the flags Berth has). */
  void apply(ObjectNode spec) throws java.io.IOException {
    ObjectNode template = spec.withObjectProperty("TaskTemplate");
    ObjectNode cs = template.withObjectProperty("ContainerSpec");
    if (image != null) {
      cs.put("Image", image);
    }
    if (args != null) {
      ArrayNode a = cs.putArray("Args");
      ShellWords.split(args).forEach(a::add);
    }
    if (!envAdd.isEmpty() || !envRm.isEmpty()) {
      List<String> env = new ArrayList<>();
      cs.path("Env").forEach(e -> env.add(e.asText()));
      List<String> added = envAdd.stream().map(e -> EnvFile.flag(e, cli.env)).toList();
      setList(cs, "Env", ServiceCreate.merged(env, added, envRm));
    }
    if (!labelAdd.isEmpty() || !labelRm.isEmpty()) {
      ObjectNode labels = spec.path("Labels").isObject() ? (ObjectNode) spec.get("Labels") : spec.putObject("Labels");
      labels.setAll(ServiceCreate.keyValues(labelAdd));
      labelRm.forEach(labels::remove);
    }
    if (!containerLabelAdd.isEmpty() || !containerLabelRm.isEmpty()) {
      ObjectNode labels = cs.path("Labels").isObject() ? (ObjectNode) cs.get("Labels") : cs.putObject("Labels");
      labels.setAll(ServiceCreate.keyValues(containerLabelAdd));
      containerLabelRm.forEach(labels::remove);
    }
    options.applyContainer(cs);
    if (!mountAdd.isEmpty() || !mountRm.isEmpty()) {
      List<JsonNode> mounts = new ArrayList<>();
      List<JsonNode> added = mountAdd.stream().map(m -> (JsonNode) MountFlag.parse(m)).toList();
      for (JsonNode m : cs.path("Mounts")) {
        String target = m.path("Target").asText();
        if (!mountRm.contains(target) && added.stream().noneMatch(a -> a.path("Target").asText().equals(target))) {
          mounts.add(m);
        }
      }
      mounts.addAll(added);
      ArrayNode a = cs.putArray("Mounts");
      mounts.forEach(a::add);
    }
    ObjectNode health = options.healthcheck(cs.get("Healthcheck"));
    if (health != null) {
      cs.set("Healthcheck", health);
    }
    if (options.limitCpu != null || options.limitMemory != null || options.reserveCpu != null || options.reserveMemory != null) {
      options.applyResources(template.withObjectProperty("Resources"));
    }
    options.applyRestart(template);
    placement(template);
    if (options.replicas != null) {
      JsonNode mode = spec.path("Mode");
      long n = ServiceOptions.uint(options.replicas, "--replicas");
      if (mode.has("Replicated")) {
        ((ObjectNode) mode.get("Replicated")).put("Replicas", n);
      } else if (mode.has("ReplicatedJob")) {
        ((ObjectNode) mode.get("ReplicatedJob")).put("TotalCompletions", n);
      } else {
        throw new IllegalArgumentException("replicas can only be used with replicated or replicated-job mode");
      }
    }
    rolling.apply(spec);
    if (options.endpointMode != null) {
      spec.withObjectProperty("EndpointSpec").put("Mode", options.endpointMode);
    }
    if (force) {
      template.put("ForceUpdate", template.path("ForceUpdate").asLong() + 1);
    }
  }

  private void placement(ObjectNode template) {
    boolean changed = !constraintAdd.isEmpty() || !constraintRm.isEmpty() || !prefAdd.isEmpty() || !prefRm.isEmpty()
        || options.maxReplicas != null;
    if (!changed) {
      return;
    }
    ObjectNode p = template.withObjectProperty("Placement");
    if (!constraintAdd.isEmpty() || !constraintRm.isEmpty()) {
      List<String> cs = new ArrayList<>();
      p.path("Constraints").forEach(c -> cs.add(c.asText()));
      cs.removeIf(c -> constraintRm.contains(c) || constraintAdd.contains(c));
      cs.addAll(constraintAdd);
      setList(p, "Constraints", cs);
    }
    if (!prefAdd.isEmpty() || !prefRm.isEmpty()) {
      List<JsonNode> removed = prefRm.stream().map(x -> (JsonNode) ServiceCreate.preference(x)).toList();
      List<JsonNode> prefs = new ArrayList<>();
      p.path("Preferences").forEach(x -> {
        if (!removed.contains(x)) {
          prefs.add(x);
        }
      });
      prefAdd.forEach(x -> prefs.add(ServiceCreate.preference(x)));
      ArrayNode a = p.putArray("Preferences");
      prefs.forEach(a::add);
    }
    if (options.maxReplicas != null) {
      p.put("MaxReplicas", ServiceOptions.uint(options.maxReplicas, "--replicas-max-per-node"));
    }
  }

  private static ObjectNode containerSpec(ObjectNode spec) {
    return spec.withObjectProperty("TaskTemplate").withObjectProperty("ContainerSpec");
  }

  private static void setList(ObjectNode o, String field, List<String> values) {
    if (values.isEmpty()) {
      o.remove(field);
      return;
    }
    ArrayNode a = o.putArray(field);
    values.forEach(a::add);
  }
}
