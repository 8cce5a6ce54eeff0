package io.berth.build.executor;

import io.berth.build.context.DockerIgnore;
import io.berth.build.dockerfile.Instruction;
import io.berth.build.dockerfile.InstructionFactory;
import io.berth.build.dockerfile.ShellLex;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.oci.ImageConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One build in progress: the loop over the needed stages' instructions, what each instruction
 * does to the stage's {@link BuildState}, and the images the finished stages produced (for a
 * later FROM or COPY --from). Every step either finds its image in the step cache or makes one.
 */
final class BuildRun {
  final BuildBackend backend;
  final Scratch scratch;
  final BuildRequest req;
  final DockerIgnore ignore;
  final Consumer<String> out;
  private final Clock clock;
  private final Stages stages;
  private final char escape;
  private final CopyStep copy;
  private final Map<String, String> globalArgs = new LinkedHashMap<>();
  private final Map<Integer, BuildImage> stageImages = new HashMap<>();

  BuildRun(BuildBackend backend, Scratch scratch, Clock clock, BuildRequest req, DockerIgnore ignore, Stages stages,
      char escape, Consumer<String> out) {
    this.backend = backend;
    this.scratch = scratch;
    this.clock = clock;
    this.req = req;
    this.ignore = ignore;
    this.stages = stages;
    this.escape = escape;
    this.out = out;
    this.copy = new CopyStep(this);
    for (Instruction.ArgDef a : stages.globalArgs()) {
      String v = req.buildArgs().containsKey(a.name()) ? req.buildArgs().get(a.name()) : a.defaultValue();
      globalArgs.put(a.name(), v == null ? "" : v);
    }
  }

  BuildImage run() {
    int total = stages.needed().stream().mapToInt(i -> stages.stage(i).size()).sum();
    int step = 0;
    BuildState state = null;
    for (int si : stages.needed()) {
      state = new BuildState(escape);
      for (Instruction in : stages.stage(si)) {
        step++;
        out.accept("Step " + step + "/" + total + " : " + in.source().original() + "\n");
        apply(in, state);
        out.accept(" ---> " + state.current.id().shortHex() + "\n");
      }
      stageImages.put(si, state.current);
    }
    if (!req.labels().isEmpty()) {
      state.labels.putAll(req.labels());
      settings(state, "LABEL " + req.labels());
    }
    for (String t : req.tags()) {
      backend.images().tag(state.current, t);
    }
    return state.current;
  }

  private void apply(Instruction in, BuildState s) {
    ShellLex lex = new ShellLex(s.escape, s::lookup);
    switch (in) {
      case Instruction.From f -> {
        from(f, s);
        List<String> triggers = s.current.config().config() == null || s.current.config().config().onBuild() == null
            ? List.of() : s.current.config().config().onBuild();
        for (String t : triggers) {
          out.accept("# Executing ONBUILD trigger: " + t + "\n");
          for (Instruction trig : InstructionFactory.parse("ONBUILD trigger", t)) {
            apply(trig, s);
          }
        }
      }
      case Instruction.Arg a -> {
        for (Instruction.ArgDef d : a.args()) {
          String v = req.buildArgs().containsKey(d.name()) ? req.buildArgs().get(d.name())
              : d.defaultValue() != null ? lex.expand(d.defaultValue()) : globalArgs.get(d.name());
          s.args.put(d.name(), v == null ? "" : v);
        }
        settings(s, "ARG " + s.args);
      }
      case Instruction.Env e -> {
        for (Instruction.KeyValue kv : e.pairs()) {
          s.env.put(lex.expand(kv.key()), lex.expand(kv.value()));
        }
        settings(s, "ENV " + s.env);
      }
      case Instruction.Label l -> {
        for (Instruction.KeyValue kv : l.pairs()) {
          s.labels.put(lex.expand(kv.key()), lex.expand(kv.value()));
        }
        settings(s, "LABEL " + s.labels);
      }
      case Instruction.Workdir w -> {
        String dir = lex.expand(w.path());
        s.workdir = dir.startsWith("/") ? dir : (s.workdir == null ? "/" : s.workdir + "/") + dir;
        settings(s, "WORKDIR " + s.workdir);
      }
      case Instruction.User u -> {
        s.user = lex.expand(u.user());
        settings(s, "USER " + s.user);
      }
      case Instruction.Expose e -> {
        for (String p : e.ports()) {
          String port = lex.expand(p);
          s.ports.put(port.contains("/") ? port : port + "/tcp", Map.of());
        }
        settings(s, "EXPOSE " + s.ports.keySet());
      }
      case Instruction.Volume v -> {
        v.paths().forEach(p -> s.volumes.put(lex.expand(p), Map.of()));
        settings(s, "VOLUME " + s.volumes.keySet());
      }
      case Instruction.Cmd c -> {
        s.cmd = c.shell() ? withShell(s, c.command().getFirst()) : c.command();
        settings(s, "CMD " + s.cmd);
      }
      case Instruction.Entrypoint e -> {
        s.entrypoint = e.shell() ? withShell(s, e.command().getFirst()) : e.command();
        settings(s, "ENTRYPOINT " + s.entrypoint);
      }
      case Instruction.Shell sh -> {
        s.shell = sh.shell();
        settings(s, "SHELL " + s.shell);
      }
      case Instruction.StopSignal ss -> {
        s.stopSignal = lex.expand(ss.signal());
        settings(s, "STOPSIGNAL " + s.stopSignal);
      }
      case Instruction.Healthcheck h -> {
        s.healthcheck = Healthchecks.of(h);
        settings(s, "HEALTHCHECK " + h.test());
      }
      case Instruction.Onbuild o -> {
        s.onBuild.add(o.trigger());
        settings(s, "ONBUILD " + o.trigger());
      }
      case Instruction.Maintainer m -> settings(s, "MAINTAINER " + m.name());
      case Instruction.Run r -> run(r, s);
      case Instruction.Copy c -> copy.apply(c, s, lex);
    }
  }

  private void from(Instruction.From f, BuildState s) {
    ShellLex globals = new ShellLex(s.escape, globalArgs::get);
    String image = globals.expand(f.image());
    String platform = f.platform() == null ? "" : globals.expand(f.platform());
    // images here are linux/amd64 (an empty value, as $BUILDPLATFORM without BuildKit, means the default)
    if (!platform.isEmpty() && !platform.equals("linux/amd64") && !platform.equals("linux")) {
      throw new InvalidArgumentException("FROM --platform=" + platform + " " + image
          + ": only linux/amd64 images can be built here");
    }
    Integer earlier = stages.indexOf(image);
    if (earlier != null && stageImages.containsKey(earlier)) {
      s.from(stageImages.get(earlier));
    } else if (image.equals("scratch")) {
      s.from(backend.images().register(ImageConfigs.scratch()));
    } else {
      try {
        s.from(backend.images().resolve(image));
      } catch (NotFoundException e) {
        throw new NotFoundException("pull access denied for " + image + ": " + e.getMessage(), e);
      }
    }
  }

  /** A step that changes only the settings: a new image with the same layers. */
  private void settings(BuildState s, String step) {
    String key = StepKey.of(s.current, step);
    if (cached(s, key)) {
      return;
    }
    commit(s, key, ImageConfigs.withSettings(s.current.config(), s.config(), step, now()));
  }

  private void run(Instruction.Run r, BuildState s) {
    List<String> argv = new ArrayList<>();
    String shown;
    if (!r.heredocs().isEmpty()) {
      argv.addAll(s.shell);
      argv.add(r.heredocs().getFirst().content());
      shown = r.source().original();
    } else if (r.shell()) {
      argv.addAll(s.shell);
      argv.add(r.command().getFirst());
      shown = String.join(" ", argv);
    } else {
      argv.addAll(r.command());
      shown = String.join(" ", argv);
    }
    String network = r.network() == null || r.network().equals("default") ? req.networkMode() : r.network();
    // the network is part of what the step did (BuildKit keys it too); the default keeps old keys
    String key = StepKey.of(s.current, "RUN " + (network.equals("bridge") ? "" : "--network=" + network + " ")
        + argv + " " + s.args);
    if (cached(s, key)) {
      return;
    }
    StepRunner.Result result = backend.runner().run(
        new StepRunner.Step(s.current, argv, s.runEnv(), s.user, s.workdir, network), out);
    if (result.exitCode() != 0) {
      throw new InvalidArgumentException("The command '" + String.join(" ", argv) + "' returned a non-zero code: "
          + result.exitCode());
    }
    commit(s, key, ImageConfigs.withLayer(s.current.config(), result.layer(), s.config(), shown, now()));
  }

  /** On a cache hit (unless --no-cache), moves the stage to the cached image and says so, as docker does. */
  boolean cached(BuildState s, String key) {
    BuildImage hit = req.noCache() ? null : backend.cache().lookup(key);
    if (hit == null) {
      return false;
    }
    out.accept(" ---> Using cache\n");
    s.current = hit;
    return true;
  }

  /** Records the step's new image, remembers it under {@code key} and moves the stage on to it. */
  void commit(BuildState s, String key, ImageConfig config) {
    BuildImage img = backend.images().register(config);
    backend.cache().record(key, img);
    s.current = img;
  }

  String now() {
    return clock.instant().toString();
  }

  /** COPY --from: a stage by name or index, else an image. */
  BuildImage fromImage(String ref) {
    Integer idx = stages.indexOf(ref);
    if (idx != null) {
      BuildImage built = stageImages.get(idx);
      if (built == null) {
        throw new InvalidArgumentException("COPY --from=" + ref + ": that stage comes later or was not built");
      }
      return built;
    }
    return backend.images().resolve(ref);
  }

  private static List<String> withShell(BuildState s, String command) {
    List<String> out = new ArrayList<>(s.shell);
    out.add(command);
    return out;
  }
}
