package io.berth.compose;

/**
 * One engine-side action of {@code compose up}, as the {@link Planner} orders them. Steps carry
 * names, not API bodies: the executor asks {@link ContainerBodies} for the body when it acts, so
 * a plan stays readable ({@code compose --dry-run up} prints it) and testable.
 */
public sealed interface Step {
  /** A line saying what the step does, as {@code --dry-run} prints it. */
  String describe();

  record CreateNetwork(String key, String name) implements Step {
    public String describe() {
      return "create network " + name;
    }
  }

  /** A network whose definition changed goes, to be created again (its containers went first). */
  record RemoveNetwork(String key, String name) implements Step {
    public String describe() {
      return "remove network " + name + " (changed)";
    }
  }

  record CreateVolume(String key, String name) implements Step {
    public String describe() {
      return "create volume " + name;
    }
  }

  record Build(String service, String image) implements Step {
    public String describe() {
      return "build " + image + " for service " + service;
    }
  }

  record Pull(String service, String image) implements Step {
    public String describe() {
      return "pull " + image + " for service " + service;
    }
  }

  /** Why a container goes. */
  enum Why { SURPLUS, CHANGED, FORCED, ORPHAN }

  record Remove(String service, String id, String name, Why why) implements Step {
    public String describe() {
      return "remove container " + name + " (" + why.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
  }

  /** Wait until every container of {@code dependency} meets {@code condition} before {@code service} goes on. */
  record Await(String service, String dependency, String condition) implements Step {
    public String describe() {
      return "wait for " + dependency + " (" + condition + ") before " + service;
    }
  }

  record Create(String service, int number, String name, boolean start) implements Step {
    public String describe() {
      return "create container " + name + (start ? " and start it" : "");
    }
  }

  record Start(String service, String id, String name) implements Step {
    public String describe() {
      return "start container " + name;
    }
  }

  /** An up-to-date container that is left alone. */
  record Keep(String service, String id, String name) implements Step {
    public String describe() {
      return "keep container " + name;
    }
  }

  /** Something the user should know that does not stop the plan (orphans). */
  record Warn(String message) implements Step {
    public String describe() {
      return "warning: " + message;
    }
  }
}
