package io.berth.daemon.container;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One mount of a container as its file tree shows it to {@code docker cp}: what lies below
 * {@code destination} (a container path) lives in {@code source} on the host. A tmpfs has no
 * source: its content exists only inside the running container, out of the daemon's reach.
 */
public record FsMount(String destination, Path source, boolean rw) {

  /** The destination's components ({@code /var/lib/x} -> [var, lib, x]). */
  public List<String> parts() {
    List<String> out = new ArrayList<>();
    for (String s : destination.split("/")) {
      if (!s.isEmpty() && !s.equals(".")) {
        out.add(s);
      }
    }
    return out;
  }

  public boolean tmpfs() {
    return source == null;
  }
}
