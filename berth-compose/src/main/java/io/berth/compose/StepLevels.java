package io.berth.compose;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cuts {@code up}'s container steps into levels that can run side by side: a service's steps stay
 * in order in one lane, and a service sits one level above the highest of the services it
 * depends on (whatever the condition), so a dependency is created, started and waited for
 * before anything that needs it, while services that do not need each other start together, as
 * docker compose does. Removals of orphans and warnings have no dependencies: level 0.
 */
public final class StepLevels {
  private StepLevels() {}

  /** The levels, lowest first; each is a list of lanes, each lane one service's steps in plan order. */
  public static List<List<List<Step>>> of(Project p, List<Step> steps) {
    Map<String, List<Step>> lanes = new LinkedHashMap<>();
    for (Step s : steps) {
      lanes.computeIfAbsent(laneOf(s), k -> new ArrayList<>()).add(s);
    }
    Map<String, Integer> levels = new HashMap<>();
    List<List<List<Step>>> out = new ArrayList<>();
    for (Map.Entry<String, List<Step>> lane : lanes.entrySet()) {
      int level = level(p, lane.getKey(), lanes.keySet(), levels, Set.of());
      while (out.size() <= level) {
        out.add(new ArrayList<>());
      }
      out.get(level).add(lane.getValue());
    }
    return out;
  }

  /**
   * How deep {@code service} sits in the dependency graph counting only the services in
   * {@code present}: 0 when it depends on none of them. Stop and down use it in reverse.
   */
  public static int depth(Project p, String service, Set<String> present) {
    return level(p, service, present, new HashMap<>(), Set.of());
  }

  private static int level(Project p, String lane, Set<String> present, Map<String, Integer> memo, Set<String> path) {
    Integer known = memo.get(lane);
    if (known != null) {
      return known;
    }
    int level = 0;
    if (p.serviceNames().contains(lane) && !path.contains(lane)) { // the loader refuses cycles; path is a guard
      Set<String> next = new java.util.HashSet<>(path);
      next.add(lane);
      for (var it = p.service(lane).path("depends_on").fieldNames(); it.hasNext(); ) {
        String dep = it.next();
        if (present.contains(dep)) {
          level = Math.max(level, 1 + level(p, dep, present, memo, next));
        }
      }
    }
    memo.put(lane, level);
    return level;
  }

  private static String laneOf(Step s) {
    return switch (s) {
      case Step.Remove r -> r.service();
      case Step.Await a -> a.service();
      case Step.Create c -> c.service();
      case Step.Start st -> st.service();
      case Step.Keep k -> k.service();
      case Step.Build b -> b.service();
      case Step.Pull pl -> pl.service();
      case Step.CreateNetwork n -> "\0network " + n.key();
      case Step.RemoveNetwork n -> "\0network " + n.key();
      case Step.CreateVolume v -> "\0volume " + v.key();
      case Step.Warn w -> "\0warning";
    };
  }
}
