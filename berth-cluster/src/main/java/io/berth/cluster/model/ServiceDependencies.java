package io.berth.cluster.model;

import io.berth.errdefs.InvalidArgumentException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a service waits for before its tasks are placed: Berth's label {@value #LABEL} on the
 * service spec, {@code NAME[:CONDITION][,NAME[:CONDITION]...]} with compose's conditions
 * ({@code service_started} by default, {@code service_healthy},
 * {@code service_completed_successfully}) and other services' names. {@code berth stack deploy}
 * writes it from a compose file's {@code depends_on}; Docker's swarm has no such thing, so it
 * lives in a label and the managers keep a dependent's tasks pending until it holds, also when
 * they are rescheduled later.
 */
public record ServiceDependencies(List<Dependency> dependencies) {
  public static final String LABEL = "io.berth.stack.depends-on";
  private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9](?:[-_.]*[A-Za-z0-9]+)*$");
  public static final ServiceDependencies NONE = new ServiceDependencies(List.of());

  /** Compose's dependency conditions, by their compose spelling. */
  public enum Condition {
    SERVICE_STARTED, SERVICE_HEALTHY, SERVICE_COMPLETED_SUCCESSFULLY;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Condition parse(String s, String label) {
      for (Condition c : values()) {
        if (c.wire().equals(s)) {
          return c;
        }
      }
      throw new InvalidArgumentException("label " + LABEL + ": unknown condition \"" + s + "\" in \"" + label
          + "\" (service_started, service_healthy or service_completed_successfully)");
    }
  }

  /** One service waited for, and for what. */
  public record Dependency(String service, Condition condition) {}

  public ServiceDependencies {
    dependencies = List.copyOf(dependencies);
  }

  /** The dependencies the labels name, none without the label; a malformed value is refused naming it. */
  public static ServiceDependencies of(Map<String, String> labels) {
    String value = labels == null ? null : labels.get(LABEL);
    if (value == null) {
      return NONE;
    }
    if (value.isBlank()) {
      throw new InvalidArgumentException("label " + LABEL + " is empty; leave it out for no dependencies");
    }
    List<Dependency> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String item : value.split(",", -1)) {
      String s = item.strip();
      int colon = s.indexOf(':');
      String name = colon < 0 ? s : s.substring(0, colon);
      Condition c = colon < 0 ? Condition.SERVICE_STARTED : Condition.parse(s.substring(colon + 1), value);
      if (!NAME.matcher(name).matches()) {
        throw new InvalidArgumentException("label " + LABEL + ": \"" + s + "\" in \"" + value
            + "\" does not name a service (NAME[:CONDITION], comma-separated)");
      }
      if (!seen.add(name)) {
        throw new InvalidArgumentException("label " + LABEL + ": service " + name + " is named twice in \"" + value + "\"");
      }
      out.add(new Dependency(name, c));
    }
    return new ServiceDependencies(out);
  }

  /** Refuses a service that waits for itself. */
  public void checkFor(String serviceName) {
    for (Dependency d : dependencies) {
      if (d.service().equalsIgnoreCase(serviceName)) {
        throw new InvalidArgumentException("label " + LABEL + ": service " + serviceName + " cannot depend on itself");
      }
    }
  }

  /** The label's value for these dependencies. */
  public String label() {
    return String.join(",", dependencies.stream().map(d -> d.service() + ":" + d.condition().wire()).toList());
  }
}
