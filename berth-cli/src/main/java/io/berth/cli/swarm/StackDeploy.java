package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.commands.Base;
import io.berth.cli.commands.Filters;
import io.berth.cli.commands.ImageCommands;
import io.berth.cli.session.Cli;
import io.berth.client.ApiClient;
import io.berth.client.ApiException;
import io.berth.compose.Project;
import io.berth.compose.ProjectLoader;
import io.berth.compose.StackConverter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stack deploy}: the compose files loaded by berth-compose's loader (interpolation,
 * {@code .env}, several {@code -c} merged in order), converted as docker's stack converts them,
 * then the same requests as docker's client: stack networks made if missing, secrets and configs
 * made or updated, services created or updated ({@code --prune} removes the stack's others). An
 * update the daemon finds unchanged writes nothing, so a redeploy replaces only changed services.
 *
 * <p>{@code --resolve-image} as docker: {@code always} asks the registry for the image's digest on
 * every create and update, {@code changed} only when the file names another image than the last
 * deploy ({@code com.docker.stack.image}), {@code never} not at all; an image only in the local
 * store (no registry answers for it) keeps its tag, with docker's warning, and every node uses its
 * own copy of that tag.
 */
@Command(name = "deploy", description = "Deploy a new stack or update an existing stack", mixinStandardHelpOptions = true)
final class StackDeploy extends Base {
  @Option(names = {"-c", "--compose-file"}, paramLabel = "strings", split = ",",
      description = "Path to a Compose file") List<Path> files = new ArrayList<>();
  @Option(names = "--prune", description = "Prune services that are no longer referenced") boolean prune;
  @Option(names = "--resolve-image", paramLabel = "string",
      description = "Query the registry to resolve image digest and supported platforms (\"always\", \"changed\", \"never\") (default \"always\")")
  String resolveImage = "always";
  @Option(names = "--with-registry-auth", description = "Send registry authentication details to Swarm agents") boolean withRegistryAuth;
  @Option(names = {"-d", "--detach"}, arity = "0..1", paramLabel = "bool",
      description = "Exit immediately instead of waiting for the stack services to converge (default true)") Boolean detach;
  @Option(names = {"-q", "--quiet"}, description = "Suppress progress output") boolean quiet;
  @Parameters(index = "0", paramLabel = "STACK") String stack;

  StackDeploy(Cli cli) {
    super(cli);
  }

  @Override
  public Integer call() throws Exception {
    if (!List.of("always", "changed", "never").contains(resolveImage)) {
      throw new IllegalArgumentException("Invalid option " + resolveImage + " for flag --resolve-image");
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("Specify a Compose file (with --compose-file)");
    }
    if (files.contains(Path.of("-"))) {
      throw new IllegalArgumentException("reading a compose file from stdin (-c -) is not supported by berth yet; give a file");
    }
    StackCommands.validateName(stack);
    Project project = ProjectLoader.load(new ProjectLoader.Options(files, stack, List.of(), null,
        Path.of(System.getProperty("user.dir")), Map.copyOf(cli.env)));
    StackConverter.Stack st = StackConverter.convert(project, stack);
    if (!st.unsupported().isEmpty()) {
      cli.err.println("Ignoring unsupported options: " + String.join(", ", st.unsupported()) + "\n");
    }
    if (!st.deprecated().isEmpty()) {
      cli.err.println("Ignoring deprecated options:\n\n" + String.join("\n\n",
          st.deprecated().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList()) + "\n");
    }
    boolean detached = detach == null || detach;
    if (detach == null) {
      cli.err.println("Since --detach=false was not specified, tasks will be created in the background.\n"
          + "In a future release, --detach=false will become the default.");
    }
    try (ApiClient.Response r = api().get("/info")) {
      if (!r.json().path("Swarm").path("ControlAvailable").asBoolean(false)) {
        throw new IllegalArgumentException("this node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" "
            + "to connect this node to swarm and try again");
      }
    }
    List<JsonNode> existing = StackCommands.list(api(), "/services", stack, List.of());
    if (prune) {
      List<JsonNode> gone = new ArrayList<>();
      for (JsonNode s : existing) {
        if (!st.services().containsKey(s.path("Spec").path("Name").asText())) {
          gone.add(s);
        }
      }
      StackCommands.removeServices(api(), cli, gone);
    }
    networks(st);
    Map<String, String> ids = new HashMap<>();
    objects("secrets", "secret", st.secrets(), ids);
    objects("configs", "config", st.configs(), ids);
    List<String> serviceIds = services(st, existing, ids);
    if (detached) {
      return 0;
    }
    List<String> errors = new ArrayList<>();
    for (String id : serviceIds) {
      try {
        new Convergence(api(), cli, quiet).await(id);
      } catch (IllegalStateException e) {
        errors.add(id + ": " + e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException(String.join("\n", errors));
    }
    return 0;
  }

  /** External networks must exist in the swarm scope; the stack's own are made when missing. */
  private void networks(StackConverter.Stack st) throws IOException {
    for (String name : st.externalNetworks()) {
      JsonNode n;
      try (ApiClient.Response r = api().get("/networks/" + enc(name))) {
        n = r.json();
      } catch (ApiException e) {
        if (e.status() == 404) {
          throw new IllegalArgumentException("network \"" + name + "\" is declared as external, but could not be found. "
              + "You need to create a swarm-scoped network before the stack is deployed");
        }
        throw e;
      }
      if (!n.path("Scope").asText().equals("swarm")) {
        throw new IllegalArgumentException("network \"" + name + "\" is declared as external, but it is not in the right scope: \""
            + n.path("Scope").asText() + "\" instead of \"swarm\"");
      }
    }
    Set<String> have = new HashSet<>();
    StackCommands.list(api(), "/networks", stack, List.of()).forEach(n -> have.add(n.path("Name").asText()));
    for (Map.Entry<String, ObjectNode> e : st.networks().entrySet()) {
      if (have.contains(e.getKey())) {
        continue;
      }
      cli.out.println("Creating network " + e.getKey());
      try (ApiClient.Response r = api().post("/networks/create", e.getValue())) {
        r.json();
      } catch (ApiException ex) {
        throw new IllegalStateException("failed to create network " + e.getKey() + ": " + ex.getMessage(), ex);
      }
    }
  }

  /** Secrets or configs: updated when one of the name exists, else created; {@code ids} learns each one's id. */
  private void objects(String path, String what, List<ObjectNode> specs, Map<String, String> ids) throws IOException {
    for (ObjectNode spec : specs) {
      String name = spec.path("Name").asText();
      JsonNode current = null;
      try (ApiClient.Response r = api().get("/" + path + "/" + enc(name))) {
        current = r.json();
      } catch (ApiException e) {
        if (e.status() != 404) {
          throw e;
        }
      }
      if (current != null) {
        try (ApiClient.Response r = api().post("/" + path + "/" + current.path("ID").asText() + "/update?version="
            + current.path("Version").path("Index").asLong(), spec)) {
          r.close();
        } catch (ApiException e) {
          throw new IllegalStateException("failed to update " + what + " " + name + ": " + e.getMessage(), e);
        }
        ids.put(path + "/" + name, current.path("ID").asText());
      } else {
        cli.out.println("Creating " + what + " " + name);
        try (ApiClient.Response r = api().post("/" + path + "/create", spec)) {
          ids.put(path + "/" + name, r.json().path("ID").asText());
        } catch (ApiException e) {
          throw new IllegalStateException("failed to create " + what + " " + name + ": " + e.getMessage(), e);
        }
      }
    }
  }

  /** The id of each referenced secret or config (made above, or external: looked up by name), as docker's ParseSecrets. */
  private void references(ObjectNode container, String path, String nameField, String idField, Map<String, String> ids)
      throws IOException {
    for (JsonNode ref : container.path(path.substring(0, 1).toUpperCase() + path.substring(1))) {
      String name = ref.path(nameField).asText();
      String id = ids.get(path + "/" + name);
      if (id == null) {
        try (ApiClient.Response r = api().get("/" + path + "/" + enc(name))) {
          id = r.json().path("ID").asText();
        } catch (ApiException e) {
          if (e.status() == 404) {
            throw new IllegalArgumentException(path.substring(0, path.length() - 1) + " not found: " + name);
          }
          throw e;
        }
        ids.put(path + "/" + name, id);
      }
      ((ObjectNode) ref).put(idField, id);
    }
  }

  private List<String> services(StackConverter.Stack st, List<JsonNode> existing, Map<String, String> ids)
      throws IOException {
    Map<String, JsonNode> byName = new HashMap<>();
    existing.forEach(s -> byName.put(s.path("Spec").path("Name").asText(), s));
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, ObjectNode> e : st.services().entrySet()) {
      String name = e.getKey();
      ObjectNode spec = e.getValue();
      ObjectNode template = (ObjectNode) spec.get("TaskTemplate");
      ObjectNode container = (ObjectNode) template.get("ContainerSpec");
      references(container, "secrets", "SecretName", "SecretID", ids);
      references(container, "configs", "ConfigName", "ConfigID", ids);
      String image = container.path("Image").asText();
      Map<String, String> auth = withRegistryAuth ? ImageCommands.registryAuth(cli, image) : Map.of();
      JsonNode current = byName.get(name);
      String warning = null;
      if (current != null) {
        cli.out.println("Updating service " + name + " (id: " + current.path("ID").asText() + ")");
        JsonNode was = current.path("Spec");
        boolean sameImage = image.equals(was.path("Labels").path(StackConverter.IMAGE_LABEL).asText());
        if (resolveImage.equals("always") || resolveImage.equals("changed") && !sameImage) {
          warning = Images.pin(api(), template, auth);
        } else if (!sameImage) {
          container.put("Image", Images.tagged(image));
        } else {
          // what the last deploy resolved stays, so an unchanged service is not updated for it
          container.set("Image", was.path("TaskTemplate").path("ContainerSpec").path("Image"));
          JsonNode platforms = was.path("TaskTemplate").path("Placement").path("Platforms");
          if (!platforms.isMissingNode() && !platforms.isEmpty()) {
            ((ObjectNode) template.get("Placement")).set("Platforms", platforms);
          }
        }
        template.put("ForceUpdate", was.path("TaskTemplate").path("ForceUpdate").asLong());
        String q = (withRegistryAuth ? "" : "registryAuthFrom=spec&") + "version=" + current.path("Version").path("Index").asLong();
        try (ApiClient.Response r = api().post("/services/" + current.path("ID").asText() + "/update?" + q, spec, auth)) {
          printWarnings(r.json(), warning);
        } catch (ApiException ex) {
          throw new IllegalStateException("failed to update service " + name + ": " + ex.getMessage(), ex);
        }
        out.add(current.path("ID").asText());
      } else {
        cli.out.println("Creating service " + name);
        if (resolveImage.equals("never")) {
          container.put("Image", Images.tagged(image)); // docker's client tags every service image
        } else {
          warning = Images.pin(api(), template, auth);
        }
        try (ApiClient.Response r = api().post("/services/create", spec, auth)) {
          JsonNode created = r.json();
          printWarnings(created, warning);
          out.add(created.path("ID").asText());
        } catch (ApiException ex) {
          throw new IllegalStateException("failed to create service " + name + ": " + ex.getMessage(), ex);
        }
      }
    }
    return out;
  }

  private void printWarnings(JsonNode answer, String warning) {
    if (warning != null) {
      cli.err.println(warning);
    }
    answer.path("Warnings").forEach(w -> cli.err.println(w.asText()));
  }

  /** For {@link Filters}: the label filter of the stack. */
  static String label(String stack) {
    return "label=" + StackConverter.NAMESPACE + "=" + stack;
  }
}
