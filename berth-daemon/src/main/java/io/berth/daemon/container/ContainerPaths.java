package io.berth.daemon.container;

import java.nio.file.Path;

/**
 * Where a container's files live: persistent ones (log, sandbox files, rootfs mount point) under
 * the data root, runtime ones (OCI bundle, conmon files) under the exec root.
 */
public record ContainerPaths(Path dataDir, Path stateRoot) {
  public Path dir(String id) {
    return dataDir.resolve(id);
  }

  public Path rootfs(String id) {
    return dir(id).resolve("rootfs");
  }

  public Path log(String id) {
    return dir(id).resolve("container.log");
  }

  public Path state(String id) {
    return stateRoot.resolve(id);
  }
}
