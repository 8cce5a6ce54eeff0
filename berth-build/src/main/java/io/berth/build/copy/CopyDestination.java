package io.berth.build.copy;

import io.berth.build.context.DockerIgnore;

/**
 * Where a COPY or ADD writes, as Docker reads its last argument: a relative destination is
 * joined to the stage's WORKDIR and cleaned ({@code ./}, {@code ..}, doubled slashes), and the
 * destination names a directory when it ends in {@code /} or in a {@code .} or {@code ..}
 * component ({@code COPY app.jar .} copies into the WORKDIR, as BuildKit reads it). Whether an
 * existing directory of the image turns {@code COPY f /app} into {@code /app/f} is the planner's
 * question, not this one's: it needs the image.
 *
 * @param path the absolute, cleaned destination ({@code /} for the root)
 * @param directory true when the destination's own spelling makes it a directory
 */
public record CopyDestination(String path, boolean directory) {

  /** Resolves {@code dest} (already variable-expanded) against {@code workdir} (null: {@code /}). */
  public static CopyDestination of(String workdir, String dest) {
    if (dest == null || dest.isEmpty()) {
      throw new IllegalArgumentException("COPY needs a destination");
    }
    String joined = dest.startsWith("/") ? dest : (workdir == null ? "" : workdir) + "/" + dest;
    String last = dest.substring(dest.lastIndexOf('/') + 1);
    boolean dir = dest.endsWith("/") || last.equals(".") || last.equals("..");
    String clean = "/" + DockerIgnore.clean(joined);
    return new CopyDestination(clean, dir || clean.equals("/"));
  }

  /** The destination as the planner takes it: a trailing slash marks a directory. */
  public String spelled() {
    return directory && !path.equals("/") ? path + "/" : path;
  }
}
