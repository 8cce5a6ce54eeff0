package io.berth.build.copy;

import io.berth.build.context.DockerIgnore;
import io.berth.errdefs.InvalidArgumentException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Decides what a COPY or ADD puts where, with Docker's rules: sources are paths or globs relative
 * to the context root (never outside it), a directory source contributes its contents, the
 * destination is a directory when it ends in {@code /}, when several files are copied or when
 * the image already has a directory there ({@code COPY app.jar /app} with an existing {@code /app}
 * gives {@code /app/app.jar}), and whatever {@code .dockerignore} excludes is not there to copy.
 */
public final class CopyPlanner {
  /** One file, directory or symlink of the context and the absolute path it gets in the image. */
  public record Item(Path source, String target) {}

  private CopyPlanner() {}

  /**
   * @param dest the absolute destination, a trailing slash marking a directory ({@link
   *     CopyDestination#spelled})
   * @param imageDir whether an absolute path is a directory in the image being built; asked only
   *     when a single file is copied to a destination not spelled as a directory
   */
  public static List<Item> plan(Path context, List<String> sources, String dest, DockerIgnore ignore,
      Predicate<String> imageDir) {
    List<Path> matched = new ArrayList<>();
    for (String s : sources) {
      List<Path> m = match(context, s, ignore);
      if (m.isEmpty()) {
        throw new InvalidArgumentException("COPY failed: file not found in build context or excluded by "
            + ".dockerignore: stat " + s + ": file does not exist");
      }
      matched.addAll(m);
    }
    // a single directory source fills dest with its contents, whatever dest ends with
    String base = dest.equals("/") ? "" : (dest.endsWith("/") ? dest.substring(0, dest.length() - 1) : dest);
    boolean dirDest = dest.endsWith("/") || matched.size() > 1
        || (!Files.isDirectory(matched.getFirst(), LinkOption.NOFOLLOW_LINKS) && imageDir.test(base));
    List<Item> out = new ArrayList<>();
    for (Path src : matched) {
      if (Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
        walk(context, src, base, ignore, out);
      } else {
        out.add(new Item(src, dirDest ? base + "/" + src.getFileName() : base));
      }
    }
    return out;
  }

  /** A directory's contents (not the directory itself) below {@code base}. */
  private static void walk(Path context, Path dir, String base, DockerIgnore ignore, List<Item> out) {
    out.add(new Item(dir, base.isEmpty() ? "/" : base));
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted().toList()) {
        if (p.equals(dir)) {
          continue;
        }
        if (ignore.excluded(context.relativize(p).toString())) {
          continue;
        }
        out.add(new Item(p, base + "/" + dir.relativize(p)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + dir, e);
    }
  }

  private static List<Path> match(Path context, String pattern, DockerIgnore ignore) {
    Path normal = Path.of(pattern.startsWith("/") ? pattern.substring(1) : pattern).normalize();
    if (normal.startsWith("..")) {
      throw new InvalidArgumentException("COPY failed: forbidden path outside the build context: " + pattern);
    }
    String clean = DockerIgnore.clean(pattern);
    if (Path.of(clean).isAbsolute()) {
      throw new InvalidArgumentException("COPY failed: forbidden path outside the build context: " + pattern);
    }
    Path direct = clean.isEmpty() ? context : context.resolve(clean).normalize();
    if (!direct.startsWith(context)) {
      throw new InvalidArgumentException("COPY failed: forbidden path outside the build context: " + pattern);
    }
    boolean glob = clean.chars().anyMatch(c -> c == '*' || c == '?' || c == '[');
    List<Path> out = new ArrayList<>();
    if (!glob) {
      if (Files.exists(direct, LinkOption.NOFOLLOW_LINKS)
          && (direct.equals(context) || !ignore.excluded(context.relativize(direct).toString()))) {
        out.add(direct);
      }
      return out;
    }
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + clean);
    try (Stream<Path> s = Files.walk(context)) {
      for (Path p : s.sorted().toList()) {
        Path rel = context.relativize(p);
        if (!p.equals(context) && rel.getNameCount() == Path.of(clean).getNameCount() && m.matches(rel)
            && !ignore.excluded(rel.toString())) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the build context", e);
    }
    return out;
  }
}
