package io.berth.daemon.volume;

import io.berth.errdefs.FailedPreconditionException;
import io.berth.store.layer.RootPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Docker's copy-up: a new, empty volume mounted over a directory that has content in the image is
 * first filled with that content, keeping owners, modes (setuid and sticky bits too), times,
 * symlinks, hard links, special files and extended attributes; the volume's root takes the owner
 * and mode of the image's directory. The only code that runs {@code cp} ({@code cp -a} does all
 * of this and is what the reference implementation's copy amounts to).
 */
public final class CopyUp {
  private CopyUp() {}

  /**
   * Copies the content of {@code rootfs}'s {@code containerPath} into {@code volume}; nothing when
   * the image has no directory there (or a symlink, which could point outside the root).
   */
  public static void fromImage(Path rootfs, String containerPath, Path volume) {
    Path inImage = RootPath.inChroot(rootfs, containerPath, false);
    if (inImage == null || !Files.isDirectory(inImage, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    copy(inImage, volume);
  }

  /** Copies the tree under {@code src} into the existing directory {@code dst}. */
  static void copy(Path src, Path dst) {
    try {
      Process p = new ProcessBuilder("cp", "-a", "--", src + "/.", dst.toString())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new FailedPreconditionException("copying " + src + " into the volume timed out");
      }
      if (p.exitValue() != 0) {
        throw new FailedPreconditionException("copying the image's " + src.getFileName()
            + " into the volume failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("copying " + src + " into the volume", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FailedPreconditionException("copying " + src + " into the volume was interrupted");
    }
  }
}
