package io.berth.compose;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides what {@code compose up} does, from the project and what the engine already holds, as
 * docker compose does it, without touching the engine (so every rule has a unit test):
 *
 * <ol>
 *   <li>{@link #prepare}: the networks the services use and the project's volumes that are
 *       missing (a missing {@code external} one is an error before anything is made); a network
 *       whose definition changed since it was made (its config-hash label) is removed with its
 *       containers and made again, as docker compose does; then the
 *       images to build or pull, per {@code --build}/{@code --no-build} and {@code pull_policy}.
 *   <li>{@link #containers}, planned after the images exist (a rebuilt image has a new id): per
 *       service, dependencies first, a wait for each dependency's {@code depends_on} condition, then
 *       each replica {@code 1..N}: kept when its config hash and image id are unchanged (started
 *       if stopped), recreated when either changed, created when missing; replicas above N are
 *       removed.
 * </ol>
 */
public final class Planner {
  /** {@code up --build} ({@link #ALWAYS}), {@code --no-build} ({@link #NEVER}), or build what is missing. */
  public enum BuildPolicy { IF_MISSING, ALWAYS, NEVER }

  /**
   * @param services the services named on the command line (empty: all)
   * @param scale {@code --scale} counts
   * @param noDeps act on {@code services} only, not on what they depend on
   * @param start start containers ({@code false} for {@code --no-start})
   * @param oneoff a service that gets no containers of its own ({@code compose run} makes a
   *     one-off one), or null
   */
  public record Options(List<String> services, Map<String, Integer> scale, boolean noDeps, BuildPolicy build,
      boolean forceRecreate, boolean start, boolean removeOrphans, String oneoff) {
    public Options {
      services = List.copyOf(services);
      scale = Map.copyOf(scale);
    }

    /** {@code up -d} of the whole project. */
    public static Options up() {
      return new Options(List.of(), Map.of(), false, BuildPolicy.IF_MISSING, false, true, false, null);
    }
  }

  private Planner() {}

  /** The services acted on, dependencies first. */
  public static List<String> services(Project p, Options o) {
    for (String s : o.services()) {
      p.service(s);
    }
    for (String s : o.scale().keySet()) {
      p.service(s);
    }
    return o.noDeps() && !o.services().isEmpty() ? o.services() : p.startOrder(o.services());
  }

  /** Networks, volumes, builds and pulls. */
  public static List<Step> prepare(Project p, Options o, Observed seen) {
    List<String> order = services(p, o);
    List<Step> steps = new ArrayList<>();
    Set<String> networks = new LinkedHashSet<>();
    order.forEach(s -> p.service(s).path("networks").fieldNames().forEachRemaining(networks::add));
    Set<String> removed = new HashSet<>();
    for (String key : networks) {
      String name = p.networkName(key);
      boolean external = p.network(key).path("external").asBoolean(false);
      if (seen.networks().contains(name)) {
        String hash = seen.networkHashes().get(name);
        if (external || hash == null || hash.equals(p.networkHash(key))) {
          continue; // unchanged, or made without a hash (left as it is)
        }
        // changed: as docker compose, its containers go (up makes them again) and it is made anew
        for (Observed.Existing c : seen.containers()) {
          if (!c.oneoff() && usesNetwork(p, c.service(), key) && removed.add(c.id())) {
            steps.add(new Step.Remove(c.service(), c.id(), c.name(), Step.Why.CHANGED));
          }
        }
        steps.add(new Step.RemoveNetwork(key, name));
      } else if (external) {
        throw new ComposeException("network " + name + " declared as external, but could not be found");
      }
      steps.add(new Step.CreateNetwork(key, name));
    }
    for (String key : p.volumeKeys()) {
      String name = p.volumeName(key);
      if (seen.volumes().contains(name)) {
        continue;
      }
      if (p.volume(key).path("external").asBoolean(false)) {
        throw new ComposeException("external volume \"" + name + "\" not found");
      }
      steps.add(new Step.CreateVolume(key, name));
    }
    for (String s : order) {
      Step image = image(p, s, o.build(), seen);
      if (image != null) {
        steps.add(image);
      }
    }
    return steps;
  }

  private static boolean usesNetwork(Project p, String service, String key) {
    return p.serviceNames().contains(service) && p.service(service).path("networks").has(key);
  }

  private static Step image(Project p, String service, BuildPolicy build, Observed seen) {
    JsonNode s = p.service(service);
    String image = ContainerBodies.image(p, service);
    boolean present = seen.images().containsKey(image);
    String policy = s.path("pull_policy").asText("missing");
    String at = "services." + service + ".pull_policy";
    if (s.has("build")) {
      if (build == BuildPolicy.NEVER || policy.equals("never")) {
        return null;
      }
      if (policy.equals("always") && s.has("image")) {
        return new Step.Pull(service, image);
      }
      boolean rebuild = build == BuildPolicy.ALWAYS || policy.equals("build") || !present;
      return rebuild ? new Step.Build(service, image) : null;
    }
    return switch (policy) {
      case "always" -> new Step.Pull(service, image);
      case "never" -> {
        if (!present) {
          throw new ComposeException(at + ": image " + image + " is not present and the pull policy is never");
        }
        yield null;
      }
      case "build" -> throw new ComposeException(at + ": pull_policy build needs a build section");
      default -> present ? null : new Step.Pull(service, image);
    };
  }

  /** Orphans, dependency waits, and the containers of each service. */
  public static List<Step> containers(Project p, Options o, Observed seen) {
    List<String> order = services(p, o);
    List<Step> steps = new ArrayList<>();
    List<Observed.Existing> orphans = seen.containers().stream()
        .filter(c -> !c.oneoff() && !p.serviceNames().contains(c.service())).toList();
    if (o.removeOrphans()) {
      orphans.forEach(c -> steps.add(new Step.Remove(c.service(), c.id(), c.name(), Step.Why.ORPHAN)));
    } else if (!orphans.isEmpty()) {
      steps.add(new Step.Warn("found orphan containers (" + String.join(", ", orphans.stream().map(Observed.Existing::name).toList())
          + ") for this project; if you removed or renamed this service in your compose file, run this command with"
          + " --remove-orphans to clean it up"));
    }
    for (String s : order) {
      if (o.start()) {
        p.service(s).path("depends_on").fields().forEachRemaining(d -> {
          String condition = d.getValue().path("condition").asText("service_started");
          if (!condition.equals("service_started") && order.contains(d.getKey())) {
            steps.add(new Step.Await(s, d.getKey(), condition));
          }
        });
      }
      if (!s.equals(o.oneoff())) {
        service(p, s, o, seen, steps);
      }
    }
    return steps;
  }

  private static void service(Project p, String s, Options o, Observed seen, List<Step> steps) {
    int replicas = ContainerBodies.replicas(p, s, o.scale());
    if (replicas < 0) {
      throw new ComposeException("services." + s + ": cannot scale to " + replicas + " replicas");
    }
    if (replicas > 1 && p.service(s).has("container_name")) {
      throw new ComposeException("services." + s + ": container_name \"" + p.service(s).get("container_name").asText()
          + "\" must be unique, so the service cannot have " + replicas + " replicas");
    }
    String hash = p.configHash(s);
    String imageId = seen.images().get(ContainerBodies.image(p, s));
    List<Observed.Existing> existing = seen.containers().stream().filter(c -> c.service().equals(s) && !c.oneoff())
        .sorted(Comparator.comparingInt(Observed.Existing::number)).toList();
    Set<Integer> numbers = new HashSet<>();
    for (Observed.Existing c : existing) {
      if (c.number() > replicas || c.number() < 1 || !numbers.add(c.number())) {
        steps.add(new Step.Remove(s, c.id(), c.name(), Step.Why.SURPLUS));
      }
    }
    for (int n = 1; n <= replicas; n++) {
      int number = n;
      Observed.Existing c = existing.stream().filter(x -> x.number() == number).findFirst().orElse(null);
      String name = ContainerBodies.containerName(p, s, n, false);
      if (c == null) {
        steps.add(new Step.Create(s, n, name, o.start()));
        continue;
      }
      boolean changed = !c.configHash().equals(hash)
          || (imageId != null && c.imageId() != null && !Objects.equals(c.imageId(), imageId));
      if (changed || o.forceRecreate()) {
        steps.add(new Step.Remove(s, c.id(), c.name(), changed ? Step.Why.CHANGED : Step.Why.FORCED));
        steps.add(new Step.Create(s, n, name, o.start()));
      } else if (!c.running() && o.start()) {
        steps.add(new Step.Start(s, c.id(), c.name()));
      } else {
        steps.add(new Step.Keep(s, c.id(), c.name()));
      }
    }
  }
}
