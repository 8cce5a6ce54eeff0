package io.berth.it;

import static io.berth.it.TestDaemon.check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * For tests that make an image on the host as any layer tool would (GNU tar, setcap) and then
 * {@code docker import} it: a fresh busybox root file system to change, and host commands that
 * must succeed.
 */
final class HostRootfs {
  private HostRootfs() {}

  /** Empties {@code dir} and unpacks the busybox rootfs into {@code dir/rootfs}, which it returns. */
  static Path busybox(Path dir) throws IOException {
    Exec.sh("rm -rf " + dir);
    Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
    run("tar", "-xpf", TestDaemon.BASE.resolve("busybox-rootfs.tar").toString(), "-C", rootfs.toString());
    return rootfs;
  }

  /** Runs a host command (two minutes at most) that must succeed. */
  static void run(String... cmd) {
    check(Exec.run(Map.of(), null, 120, List.of(cmd)), String.join(" ", cmd));
  }
}
