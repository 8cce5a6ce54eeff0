package io.berth.cli.compose;

import io.berth.cli.session.Cli;
import io.berth.compose.ContainerBodies;
import io.berth.compose.Observed;
import io.berth.compose.Planner;
import io.berth.compose.Project;
import io.berth.compose.Step;
import io.berth.compose.StepLevels;
import java.util.List;

/**
 * {@code compose up} (and the dependencies of {@code compose run}): asks the {@link Planner}
 * what to do given what the engine holds, and carries the steps out through
 * {@link ComposeEngine}, or only prints them with {@code --dry-run}. Images come first and the
 * containers are planned after them, because a rebuilt image's new id is what tells a container
 * to be recreated. Container steps run level by level ({@link StepLevels}), the services of a
 * level side by side.
 */
final class UpRunner {
  private final Cli cli;
  private final Project p;
  private final ComposeEngine engine;
  private final boolean dryRun;

  UpRunner(Cli cli, Project p, ComposeEngine engine, boolean dryRun) {
    this.cli = cli;
    this.p = p;
    this.engine = engine;
    this.dryRun = dryRun;
  }

  void up(Planner.Options o) throws Exception {
    Observed seen = engine.objects().observe(p);
    run(Planner.prepare(p, o, seen), seen);
    Observed now = dryRun ? seen : engine.objects().observe(p);
    List<Step> containers = Planner.containers(p, o, now);
    if (dryRun) {
      run(containers, now);
      return;
    }
    // services that do not depend on each other are created and started side by side
    for (List<List<Step>> level : StepLevels.of(p, containers)) {
      SideBySide.run(level, lane -> run(lane, now));
    }
  }

  /** Carries out {@code steps}; {@code seen} is what they were planned from (image ids for new containers). */
  private void run(List<Step> steps, Observed seen) throws Exception {
    if (dryRun) {
      steps.forEach(s -> cli.out.println(s.describe()));
      return;
    }
    for (Step step : steps) {
      switch (step) {
        case Step.CreateNetwork n -> engine.createNetwork(n.key());
        case Step.RemoveNetwork n -> engine.removeNetwork(n.name());
        case Step.CreateVolume v -> engine.createVolume(v.key());
        case Step.Build b -> engine.build(List.of(b.service()), true, false);
        case Step.Pull pl -> engine.pull(List.of(pl.service()), true);
        case Step.Remove r -> engine.remove(r.service(), r.id(), r.name(), r.why() == Step.Why.CHANGED || r.why() == Step.Why.FORCED
            ? "Recreate" : "Removed");
        case Step.Await a -> engine.await(a.service(), a.dependency(), a.condition());
        case Step.Create c -> {
          String id = engine.create(c.service(), c.number(), null, seen.images().get(ContainerBodies.image(p, c.service())));
          engine.status("Container", c.name(), "Created");
          if (c.start()) {
            engine.start(id, c.name());
          }
        }
        case Step.Start s -> engine.start(s.id(), s.name());
        case Step.Keep k -> engine.status("Container", k.name(), "Running");
        case Step.Warn w -> cli.err.println("WARN " + w.message());
      }
    }
  }
}
