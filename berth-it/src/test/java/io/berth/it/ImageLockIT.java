package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

/**
 * {@code docker images} and {@code docker run} of another image do not wait for a long
 * {@code docker rmi}: an image of 200,000 files, whose layer takes seconds to delete, is being
 * removed while both complete. Proven by order (they are done while the rmi is still running),
 * not by measuring how long anything took.
 */
class ImageLockIT {
  private static final int FILES = 200_000;

  /** A root file system of {@code FILES} empty files in 200 directories. */
  private static void manyFiles(Path tar) throws Exception {
    try (OutputStream out = Files.newOutputStream(tar); TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
      for (int d = 0; d < 200; d++) {
        TarArchiveEntry dir = new TarArchiveEntry("d" + d + "/");
        t.putArchiveEntry(dir);
        t.closeArchiveEntry();
        for (int f = 0; f < FILES / 200; f++) {
          TarArchiveEntry e = new TarArchiveEntry("d" + d + "/f" + f);
          e.setSize(0);
          t.putArchiveEntry(e);
          t.closeArchiveEntry();
        }
      }
    }
  }

  @Test
  void imagesAndRunOfAnotherImageCompleteWhileALongRmiIsUnderWay() throws Exception {
    TestDaemon.ensure();
    Path tar = TestDaemon.BASE.resolve("many-files.tar");
    manyFiles(tar);
    check(docker("import", tar.toString(), "it/many:1"), "import of many files");
    Files.delete(tar);

    ProcessBuilder rmi = new ProcessBuilder("/usr/local/bin/docker", "rmi", "it/many:1")
        .redirectErrorStream(true).redirectOutput(TestDaemon.BASE.resolve("rmi.out").toFile());
    rmi.environment().putAll(TestDaemon.env());
    Process removal = rmi.start();
    try {
      // docker images answers while the removal deletes the layer: at once without the image
      boolean gone = false;
      for (int i = 0; i < 600 && !gone && removal.isAlive(); i++) {
        Exec.Result images = docker("images", "--format", "{{.Repository}}:{{.Tag}}");
        check(images, "docker images");
        gone = !List.of(images.out().split("\\s+")).contains("it/many:1");
      }
      assertThat(gone).as("docker images stopped listing the image").isTrue();
      Exec.Result run = docker("run", "--rm", IMAGE, "echo", "ran");
      check(run, "docker run --rm of another image");
      assertThat(run.out()).isEqualTo("ran\n");
      assertThat(removal.isAlive())
          .as("docker images and docker run completed while the rmi was still deleting the image's files")
          .isTrue();
    } finally {
      assertThat(removal.waitFor(300, TimeUnit.SECONDS)).as("rmi ends").isTrue();
    }
    assertThat(removal.exitValue()).as(Files.readString(TestDaemon.BASE.resolve("rmi.out"))).isZero();
    assertThat(Files.readString(TestDaemon.BASE.resolve("rmi.out"))).contains("Untagged: it/many:1");
    assertThat(docker("images", "-q", "it/many:1").out()).isEmpty();
  }
}
