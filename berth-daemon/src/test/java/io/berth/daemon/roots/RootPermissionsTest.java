package io.berth.daemon.roots;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The roots and the directories directly under them are shut; nothing deeper, no file, no link target. */
class RootPermissionsTest {
  @TempDir Path tmp;

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void aNewRootIsBornShut() throws Exception {
    Path root = tmp.resolve("new/data");
    RootPermissions.create(root);
    assertThat(mode(root)).isEqualTo("rwx--x---");
    assertThat(mode(root.getParent())).as("parents are not the daemon's").isNotEqualTo("rwx--x---");
  }

  @Test
  void anOpenRootIsShutDownToItsGatesOnly() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("data"));
    Path gate = Files.createDirectories(root.resolve("overlay"));
    Path deeper = Files.createDirectories(gate.resolve("layers/x/diff"));
    Path file = Files.writeString(root.resolve("engine-id"), "id\n");
    Path outside = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.createSymbolicLink(root.resolve("link"), outside);
    for (Path p : new Path[] {root, gate, deeper, file, outside}) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(p == file ? "rw-r--r--" : "rwxr-xr-x"));
    }
    if (Files.getAttribute(root, "unix:uid").equals(0)) {
      Files.setAttribute(root, "unix:uid", 65534); // an earlier owner; only root can hand it over
    }

    RootPermissions.create(root);
    RootPermissions.secure(root);

    assertThat(mode(root)).isEqualTo("rwx--x---");
    assertThat(mode(gate)).isEqualTo("rwx--x---");
    assertThat(Files.getAttribute(root, "unix:uid")).isEqualTo(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    assertThat(mode(deeper)).isEqualTo("rwxr-xr-x");
    assertThat(mode(file)).isEqualTo("rw-r--r--");
    assertThat(mode(outside)).as("a link's target is not a gate").isEqualTo("rwxr-xr-x");
  }
}
