package io.berth.build.executor;

import io.berth.build.context.DockerIgnore;
import io.berth.build.copy.CopyDestination;
import io.berth.build.copy.CopyPlanner;
import io.berth.build.dockerfile.Instruction;
import io.berth.build.dockerfile.ShellLex;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Digest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * COPY and ADD of one build: sources from the context, from another stage or image (--from),
 * or downloaded (ADD of a URL) are planned, hashed into the step's cache key, and on a miss
 * staged as a directory tree that the host stores as the step's layer.
 */
final class CopyStep {
  private final BuildRun build;

  CopyStep(BuildRun build) {
    this.build = build;
  }

  void apply(Instruction.Copy c, BuildState s, ShellLex lex) {
    String dest = CopyDestination.of(s.workdir, lex.expand(c.dest())).spelled();
    List<String> sources = c.sources().stream().map(lex::expand).toList();
    ImageFiles.Mount from = null;
    Path work = null;
    try {
      Path root = build.req.context();
      DockerIgnore filter = build.ignore;
      if (c.from() != null) {
        from = build.backend.files().mount(build.fromImage(lex.expand(c.from())));
        root = from.root();
        filter = DockerIgnore.none();
      }
      List<String> remote = sources.stream().filter(CopyStep::isUrl).toList();
      List<String> local = sources.stream().filter(src -> !isUrl(src)).toList();
      if (!c.add() && !remote.isEmpty()) {
        throw new InvalidArgumentException("COPY cannot copy from a URL (" + remote.getFirst() + "); use ADD");
      }
      if (c.checksum() != null && !local.isEmpty()) {
        throw new InvalidArgumentException("ADD --checksum only works with HTTP(S) sources, not " + local.getFirst());
      }
      // several sources make dest a directory; local and downloaded ones are planned from their own roots
      String into = sources.size() > 1 && !dest.endsWith("/") ? dest + "/" : dest;
      BuildImage image = s.current;
      List<CopyPlanner.Item> items = new ArrayList<>();
      if (!local.isEmpty()) {
        items.addAll(CopyPlanner.plan(root, local, into, filter, p -> build.backend.files().isDirectory(image, p)));
      }
      Path downloads = null;
      if (!remote.isEmpty()) {
        work = build.scratch.dir("add-");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < remote.size(); i++) {
          Path f = Downloads.download(remote.get(i), work.resolve("download-" + i), c.checksum());
          names.add(work.relativize(f).toString());
        }
        downloads = work;
        items.addAll(CopyPlanner.plan(work, names, into, DockerIgnore.none(),
            p -> build.backend.files().isDirectory(image, p)));
      }
      String key = StepKey.of(s.current, (c.add() ? "ADD " : "COPY ") + dest + " " + c.chown() + " " + c.chmod()
          + " " + CopyStaging.hash(items));
      if (build.cached(s, key)) {
        return;
      }
      Path staging = build.scratch.dir("copy-");
      try {
        String chown = c.chown() == null ? null : numericOwner(lex.expand(c.chown()), s);
        Path fetched = downloads;
        CopyStaging.stage(items, staging, chown, c.chmod(), src -> c.add() && (fetched == null || !src.startsWith(fetched)));
        Digest layer = build.backend.images().storeLayer(staging);
        build.commit(s, key, ImageConfigs.withLayer(s.current.config(), layer, s.config(),
            "/bin/sh -c #(nop) " + (c.add() ? "ADD" : "COPY") + " " + String.join(" ", sources) + " in " + dest,
            build.now()));
      } finally {
        Scratch.delete(staging);
      }
    } finally {
      if (from != null) {
        from.close();
      }
      Scratch.delete(work);
    }
  }

  /**
   * {@code --chown=user[:group]} with names: looked up in the image's own /etc/passwd and
   * /etc/group, as Docker does; numbers pass through.
   */
  private String numericOwner(String chown, BuildState s) {
    String[] p = chown.split(":", 2);
    if (p[0].matches("\\d+") && (p.length == 1 || p[1].matches("\\d+"))) {
      return chown;
    }
    try (ImageFiles.Mount m = build.backend.files().mount(s.current)) {
      Path rootfs = m.root();
      String uid = p[0].matches("\\d+") ? p[0] : Owners.lookup(rootfs.resolve("etc/passwd"), p[0], "user");
      String gid;
      if (p.length > 1) {
        gid = p[1].matches("\\d+") ? p[1] : Owners.lookup(rootfs.resolve("etc/group"), p[1], "group");
      } else {
        gid = p[0].matches("\\d+") ? uid : Owners.primaryGroup(rootfs.resolve("etc/passwd"), p[0]);
      }
      return uid + ":" + gid;
    }
  }

  private static boolean isUrl(String src) {
    return src.startsWith("http://") || src.startsWith("https://");
  }
}
