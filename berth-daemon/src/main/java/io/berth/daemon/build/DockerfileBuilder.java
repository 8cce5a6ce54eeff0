package io.berth.daemon.build;

import io.berth.build.context.ContextArchive;
import io.berth.build.context.DockerIgnore;
import io.berth.build.copy.CopyDestination;
import io.berth.build.copy.CopyPlanner;
import io.berth.build.dockerfile.Instruction;
import io.berth.build.dockerfile.InstructionFactory;
import io.berth.build.dockerfile.ShellLex;
import io.berth.daemon.image.ImageCommitter;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.oci.Digest;
import io.berth.oci.ImageConfig;
import io.berth.oci.Json;
import io.berth.store.image.Image;
import io.berth.store.image.ImageStore;
import io.berth.store.meta.MetadataStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds a Dockerfile as Docker's classic builder does ({@code docker build} with
 * {@code DOCKER_BUILDKIT=0}): stages split at FROM, only the stages the target needs are built,
 * every step yields an image that the layer cache remembers under (parent image, instruction,
 * its inputs), RUN steps run in real containers, COPY/ADD build layers straight from the context.
 * Nothing is tagged unless every step succeeded.
 */
public final class DockerfileBuilder {
  /**
   * What a client asked for.
   *
   * @param networkMode RUN's network unless a step says otherwise: bridge (the default), host or none
   */
  public record Request(Path context, String dockerfile, Map<String, String> buildArgs, String target,
      boolean noCache, Map<String, String> labels, List<String> tags, String networkMode) {}

  private final ImageStore images;
  private final StepRunner runner;
  private final CopyStep copier;
  private final ImageCommitter committer;
  private final BuildCache cache;
  private final StageFiles stageFiles;

  public DockerfileBuilder(ImageStore images, StepRunner runner, CopyStep copier, ImageCommitter committer,
      MetadataStore meta, StageFiles stageFiles) {
    this.images = images;
    this.runner = runner;
    this.copier = copier;
    this.committer = committer;
    this.cache = new BuildCache(meta, images);
    this.stageFiles = stageFiles;
  }

  /** Wires a builder from the daemon's stores and container service; {@code scratch} holds its steps' temp files. */
  public static DockerfileBuilder create(io.berth.store.Stores stores, io.berth.daemon.container.ContainerService containers,
      ImageCommitter committer, io.berth.runtime.LogReader logs, Path scratch) {
    return new DockerfileBuilder(stores.images(), new StepRunner(containers, committer, logs),
        new CopyStep(stores.contentStore()), committer, stores.metadata(), new StageFiles(stores.snapshotter(), scratch));
  }

  /** Removes what builds a killed daemon was running left in the snapshotter; at start only. */
  public static void reclaim(io.berth.store.snapshot.Snapshotter snapshotter) {
    StageFiles.reclaim(snapshotter);
  }

  public Image build(Request req, Consumer<String> out) {
    // layers a step stored stay until the image naming them is recorded, whatever is removed meanwhile
    try (io.berth.store.image.ImageStore.Lease lease = images.lease()) {
      return buildLeased(req, out);
    }
  }

  private Image buildLeased(Request req, Consumer<String> out) {
    String name = req.dockerfile() == null || req.dockerfile().isEmpty() ? "Dockerfile" : req.dockerfile();
    String text = ContextArchive.read(req.context(), name);
    if (text == null) {
      throw new InvalidArgumentException("Cannot locate specified Dockerfile: " + name);
    }
    String ignoreText = ContextArchive.read(req.context(), ".dockerignore");
    DockerIgnore ignore = ignoreText == null ? DockerIgnore.none() : DockerIgnore.parse(ignoreText);
    InstructionFactory.Dockerfile dockerfile = InstructionFactory.read(name, text);
    Stages stages = Stages.split(dockerfile.instructions(), req.target());
    char escape = dockerfile.escape();
    Map<String, String> globalArgs = new LinkedHashMap<>();
    for (Instruction.ArgDef a : stages.globalArgs()) {
      String v = req.buildArgs().containsKey(a.name()) ? req.buildArgs().get(a.name()) : a.defaultValue();
      globalArgs.put(a.name(), v == null ? "" : v);
    }
    int total = stages.needed().stream().mapToInt(i -> stages.stage(i).size()).sum();
    int step = 0;
    Map<Integer, String> stageImages = new HashMap<>();
    BuildState state = null;
    for (int si : stages.needed()) {
      List<Instruction> stage = stages.stage(si);
      state = new BuildState(escape);
      for (Instruction in : stage) {
        step++;
        out.accept("Step " + step + "/" + total + " : " + in.source().original() + "\n");
        apply(in, state, req, globalArgs, stages, stageImages, ignore, out);
        out.accept(" ---> " + Digest.parse(state.imageId).shortHex() + "\n");
      }
      stageImages.put(si, state.imageId);
    }
    if (!req.labels().isEmpty()) {
      state.labels.putAll(req.labels());
      state.imageId = metadata(state, "LABEL " + req.labels(), req.noCache()).id().toString();
    }
    Image result = images.resolve(state.imageId);
    for (String t : req.tags()) {
      images.tag(result.id().toString(), t);
    }
    return result;
  }

  private void apply(Instruction in, BuildState s, Request req, Map<String, String> globalArgs, Stages stages,
      Map<Integer, String> stageImages, DockerIgnore ignore, Consumer<String> out) {
    s.cacheHit = () -> out.accept(" ---> Using cache\n");
    ShellLex lex = new ShellLex(s.escape, s::lookup);
    switch (in) {
      case Instruction.From f -> {
        from(f, s, globalArgs, stages, stageImages);
        List<String> triggers = s.image.config() == null || s.image.config().onBuild() == null ? List.of()
            : s.image.config().onBuild();
        for (String t : triggers) {
          out.accept("# Executing ONBUILD trigger: " + t + "\n");
          for (Instruction trig : InstructionFactory.parse("ONBUILD trigger", t)) {
            apply(trig, s, req, globalArgs, stages, stageImages, ignore, out);
          }
        }
      }
      case Instruction.Arg a -> {
        for (Instruction.ArgDef d : a.args()) {
          String v = req.buildArgs().containsKey(d.name()) ? req.buildArgs().get(d.name())
              : d.defaultValue() != null ? lex.expand(d.defaultValue()) : globalArgs.get(d.name());
          s.args.put(d.name(), v == null ? "" : v);
        }
        s.imageId = metadata(s, "ARG " + s.args, req.noCache()).id().toString();
      }
      case Instruction.Env e -> {
        for (Instruction.KeyValue kv : e.pairs()) {
          s.env.put(lex.expand(kv.key()), lex.expand(kv.value()));
        }
        s.imageId = metadata(s, "ENV " + s.env, req.noCache()).id().toString();
      }
      case Instruction.Label l -> {
        for (Instruction.KeyValue kv : l.pairs()) {
          s.labels.put(lex.expand(kv.key()), lex.expand(kv.value()));
        }
        s.imageId = metadata(s, "LABEL " + s.labels, req.noCache()).id().toString();
      }
      case Instruction.Workdir w -> {
        String dir = lex.expand(w.path());
        s.workdir = dir.startsWith("/") ? dir : (s.workdir == null ? "/" : s.workdir + "/") + dir;
        s.imageId = metadata(s, "WORKDIR " + s.workdir, req.noCache()).id().toString();
      }
      case Instruction.User u -> {
        s.user = lex.expand(u.user());
        s.imageId = metadata(s, "USER " + s.user, req.noCache()).id().toString();
      }
      case Instruction.Expose e -> {
        for (String p : e.ports()) {
          String port = lex.expand(p);
          s.ports.put(port.contains("/") ? port : port + "/tcp", Map.of());
        }
        s.imageId = metadata(s, "EXPOSE " + s.ports.keySet(), req.noCache()).id().toString();
      }
      case Instruction.Volume v -> {
        v.paths().forEach(p -> s.volumes.put(lex.expand(p), Map.of()));
        s.imageId = metadata(s, "VOLUME " + s.volumes.keySet(), req.noCache()).id().toString();
      }
      case Instruction.Cmd c -> {
        s.cmd = c.shell() ? withShell(s, c.command().getFirst()) : c.command();
        s.imageId = metadata(s, "CMD " + s.cmd, req.noCache()).id().toString();
      }
      case Instruction.Entrypoint e -> {
        s.entrypoint = e.shell() ? withShell(s, e.command().getFirst()) : e.command();
        s.imageId = metadata(s, "ENTRYPOINT " + s.entrypoint, req.noCache()).id().toString();
      }
      case Instruction.Shell sh -> {
        s.shell = sh.shell();
        s.imageId = metadata(s, "SHELL " + s.shell, req.noCache()).id().toString();
      }
      case Instruction.StopSignal ss -> {
        s.stopSignal = lex.expand(ss.signal());
        s.imageId = metadata(s, "STOPSIGNAL " + s.stopSignal, req.noCache()).id().toString();
      }
      case Instruction.Healthcheck h -> {
        s.healthcheck = Healthchecks.of(h);
        s.imageId = metadata(s, "HEALTHCHECK " + h.test(), req.noCache()).id().toString();
      }
      case Instruction.Onbuild o -> {
        s.onBuild.add(o.trigger());
        s.imageId = metadata(s, "ONBUILD " + o.trigger(), req.noCache()).id().toString();
      }
      case Instruction.Maintainer m -> s.imageId = metadata(s, "MAINTAINER " + m.name(), req.noCache()).id().toString();
      case Instruction.Run r -> run(r, s, req, out);
      case Instruction.Copy c -> copy(c, s, req, lex, stageImages, stages, ignore, out);
    }
  }

  private void from(Instruction.From f, BuildState s, Map<String, String> globalArgs, Stages stages,
      Map<Integer, String> stageImages) {
    String image = new ShellLex(s.escape, globalArgs::get).expand(f.image());
    String platform = f.platform() == null ? "" : new ShellLex(s.escape, globalArgs::get).expand(f.platform());
    // images here are linux/amd64 (an empty value, as $BUILDPLATFORM without BuildKit, means the default)
    if (!platform.isEmpty() && !platform.equals("linux/amd64") && !platform.equals("linux")) {
      throw new InvalidArgumentException("FROM --platform=" + platform + " " + image
          + ": only linux/amd64 images can be built here");
    }
    Integer earlier = stages.indexOf(image);
    if (earlier != null && stageImages.containsKey(earlier)) {
      Image i = images.resolve(stageImages.get(earlier));
      s.from(i.id().toString(), i.config());
      return;
    }
    if (image.equals("scratch")) {
      ImageConfig empty = new ImageConfig(null, null, "amd64", "linux", null,
          new ImageConfig.RootFs("layers", List.of()), List.of());
      Image i = images.registerPulled(Json.bytes(empty), List.of(), null);
      s.from(i.id().toString(), i.config());
      return;
    }
    try {
      Image i = images.resolve(image);
      s.from(i.id().toString(), i.config());
    } catch (NotFoundException e) {
      throw new NotFoundException("pull access denied for " + image + ": the image is not in this daemon's store "
          + "(pull it from a registry first, or build it)");
    }
  }

  /** A step that changes only the config: a new image with the same layers, cached by (parent, step). */
  private Image metadata(BuildState s, String step, boolean noCache) {
    String key = BuildCache.key(s.imageId, step);
    Image hit = noCache ? null : cache.get(key);
    if (hit != null) {
      s.cacheHit.run();
      s.imageId = hit.id().toString();
      s.image = hit.config();
      return hit;
    }
    Image parent = images.resolve(s.imageId);
    ImageConfig pc = parent.config();
    List<ImageConfig.History> history = new ArrayList<>(pc.history() == null ? List.of() : pc.history());
    String now = java.time.Instant.now().toString();
    history.add(new ImageConfig.History(now, "/bin/sh -c #(nop)  " + step, null, null, true));
    ImageConfig next = new ImageConfig(now, pc.author(), pc.architecture(), pc.os(), s.config(), pc.rootfs(), history);
    Image img = images.registerPulled(Json.bytes(next), parent.diffIds(), null);
    cache.put(key, img);
    s.image = img.config();
    return img;
  }

  private void run(Instruction.Run r, BuildState s, Request req, Consumer<String> out) {
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
    Map<String, String> args = new LinkedHashMap<>(s.args);
    String network = r.network() == null || r.network().equals("default") ? req.networkMode() : r.network();
    // the network is part of what the step did (BuildKit keys it too); the default keeps old keys
    String key = BuildCache.key(s.imageId, "RUN " + (network.equals("bridge") ? "" : "--network=" + network + " ")
        + argv + " " + args);
    Image hit = req.noCache() ? null : cache.get(key);
    if (hit != null) {
      out.accept(" ---> Using cache\n");
      s.imageId = hit.id().toString();
      return;
    }
    Image img = runner.run(s, argv, shown, args, network, out);
    cache.put(key, img);
    s.imageId = img.id().toString();
  }

  private static boolean isUrl(String src) {
    return src.startsWith("http://") || src.startsWith("https://");
  }

  private void copy(Instruction.Copy c, BuildState s, Request req, ShellLex lex, Map<Integer, String> stageImages,
      Stages stages, DockerIgnore ignore, Consumer<String> out) {
    String dest = CopyDestination.of(s.workdir, lex.expand(c.dest())).spelled();
    List<String> sources = c.sources().stream().map(lex::expand).toList();
    Path work = null;
    try {
      Path root = req.context();
      DockerIgnore filter = ignore;
      if (c.from() != null) {
        work = stageFiles.scratchDir("copy-from-");
        root = stageFiles.mount(fromImage(lex.expand(c.from()), stages, stageImages), work.resolve("rootfs"));
        filter = DockerIgnore.none();
      }
      List<String> remote = sources.stream().filter(DockerfileBuilder::isUrl).toList();
      List<String> local = sources.stream().filter(src -> !isUrl(src)).toList();
      if (!c.add() && !remote.isEmpty()) {
        throw new InvalidArgumentException("COPY cannot copy from a URL (" + remote.getFirst() + "); use ADD");
      }
      if (c.checksum() != null && !local.isEmpty()) {
        throw new InvalidArgumentException("ADD --checksum only works with HTTP(S) sources, not " + local.getFirst());
      }
      // several sources make dest a directory; local and downloaded ones are planned from their own roots
      String into = sources.size() > 1 && !dest.endsWith("/") ? dest + "/" : dest;
      List<CopyPlanner.Item> items = new ArrayList<>();
      if (!local.isEmpty()) {
        String image = s.imageId;
        items.addAll(CopyPlanner.plan(root, local, into, filter, p -> stageFiles.isDirectory(images.resolve(image), p)));
      }
      Path downloads = null;
      if (!remote.isEmpty()) {
        if (work == null) {
          work = stageFiles.scratchDir("add-");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < remote.size(); i++) {
          Path f = CopyStep.download(remote.get(i), work.resolve("download-" + i), c.checksum());
          names.add(work.relativize(f).toString());
        }
        downloads = work;
        String image = s.imageId;
        items.addAll(CopyPlanner.plan(work, names, into, DockerIgnore.none(),
            p -> stageFiles.isDirectory(images.resolve(image), p)));
      }
      String key = BuildCache.key(s.imageId, (c.add() ? "ADD " : "COPY ") + dest + " " + c.chown() + " " + c.chmod()
          + " " + CopyStep.hash(items));
      Image hit = req.noCache() ? null : cache.get(key);
      if (hit != null) {
        out.accept(" ---> Using cache\n");
        s.imageId = hit.id().toString();
        return;
      }
      Path staging = stageFiles.scratchDir("copy-");
      try {
        String chown = c.chown() == null ? null : numericOwner(lex.expand(c.chown()), s);
        Path fetched = downloads;
        Digest diff = copier.layer(items, staging, chown, c.chmod(),
            src -> c.add() && (fetched == null || !src.startsWith(fetched)));
        Image img = committer.append(images.resolve(s.imageId), diff, s.config(),
            "/bin/sh -c #(nop) " + (c.add() ? "ADD" : "COPY") + " " + String.join(" ", sources) + " in " + dest, null,
            null, null);
        cache.put(key, img);
        s.imageId = img.id().toString();
      } finally {
        StageFiles.deleteTree(staging);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      if (work != null) {
        stageFiles.release(work.resolve("rootfs"));
        StageFiles.deleteTree(work);
      }
    }
  }

  /**
   * {@code --chown=user[:group]} with names: looked up in the image's own /etc/passwd and
   * /etc/group (mounted read-only for the lookup), as Docker does; numbers pass through.
   */
  private String numericOwner(String chown, BuildState s) {
    String[] p = chown.split(":", 2);
    if (p[0].matches("\\d+") && (p.length == 1 || p[1].matches("\\d+"))) {
      return chown;
    }
    Path work = null;
    try {
      work = stageFiles.scratchDir("chown-");
      Path rootfs = stageFiles.mount(images.resolve(s.imageId), work.resolve("rootfs"));
      String uid = p[0].matches("\\d+") ? p[0] : Owners.lookup(rootfs.resolve("etc/passwd"), p[0], "user");
      String gid;
      if (p.length > 1) {
        gid = p[1].matches("\\d+") ? p[1] : Owners.lookup(rootfs.resolve("etc/group"), p[1], "group");
      } else {
        gid = p[0].matches("\\d+") ? uid : Owners.primaryGroup(rootfs.resolve("etc/passwd"), p[0]);
      }
      return uid + ":" + gid;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      if (work != null) {
        stageFiles.release(work.resolve("rootfs"));
        StageFiles.deleteTree(work);
      }
    }
  }

  /** COPY --from: a stage by name or index, else an image of the store. */
  private Image fromImage(String ref, Stages stages, Map<Integer, String> stageImages) {
    Integer idx = stages.indexOf(ref);
    if (idx != null) {
      String id = stageImages.get(idx);
      if (id == null) {
        throw new InvalidArgumentException("COPY --from=" + ref + ": that stage comes later or was not built");
      }
      return images.resolve(id);
    }
    return images.resolve(ref);
  }

  private static List<String> withShell(BuildState s, String command) {
    List<String> out = new ArrayList<>(s.shell);
    out.add(command);
    return out;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
