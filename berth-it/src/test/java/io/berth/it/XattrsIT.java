package io.berth.it;

import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * File capabilities through layers, with the stock docker CLI. The image is made on the host the
 * way any layer tool makes one: busybox copied to /capbin/busybox, {@code setcap} on it (revision
 * 2 value 0x480, cap_setuid and cap_net_bind_service: not valid UTF-8), and GNU tar with
 * {@code --xattrs} writing the {@code SCHILY.xattr.security.capability} record. A non-root user
 * running that binary gets the capabilities, as under Docker; the plain /bin/busybox gives none.
 * They survive commit (a container's copy-up of the binary), a RUN step of a build, and save.
 */
class XattrsIT {
  private static final Path DIR = TestDaemon.BASE.resolve("xattrs-it");
  private static final String IMAGE = "it/capbox:1";
  private static final String CAPS = "CapEff:\t0000000000000480";
  private static final String NO_CAPS = "CapEff:\t0000000000000000";

  @BeforeAll
  static void image() throws Exception {
    TestDaemon.ensure();
    Path rootfs = HostRootfs.busybox(DIR);
    Files.createDirectories(rootfs.resolve("capbin"));
    HostRootfs.run("cp", "/bin/busybox", rootfs.resolve("capbin/busybox").toString());
    HostRootfs.run("setcap", "cap_setuid,cap_net_bind_service+ep", rootfs.resolve("capbin/busybox").toString());
    Path tar = DIR.resolve("capbox.tar");
    HostRootfs.run("tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-C", rootfs.toString(), "-cf",
        tar.toString(), ".");
    assertThat(Bytes.contains(Files.readAllBytes(tar), "SCHILY.xattr.security.capability")).as("GNU tar wrote it").isTrue();
    check(docker("import", "-c", "CMD [\"/bin/sh\"]", tar.toString(), IMAGE), "docker import");
  }

  @AfterAll
  static void cleanup() {
    docker("rm", "-f", "xattrs-commit");
    docker("rmi", "-f", "it/capbox-committed:1", "it/capbox-built:1", IMAGE);
    Exec.sh("rm -rf " + DIR);
  }

  private static String capEff(String image, String binary) {
    Exec.Result r = docker("run", "--rm", "-u", "1000", image, binary, "grep", "CapEff", "/proc/self/status");
    check(r, "run " + binary + " in " + image);
    return r.out().trim();
  }

  @Test
  void aFileCapabilityFromALayerIsEffectiveForANonRootUser() {
    assertThat(capEff(IMAGE, "/capbin/busybox")).isEqualTo(CAPS);
    assertThat(capEff(IMAGE, "/bin/busybox")).as("the same binary without the attribute").isEqualTo(NO_CAPS);
  }

  /** touch copies the binary up into the container's layer, attributes and all; commit must keep them. */
  @Test
  void commitKeepsTheCapabilityOfAChangedBinaryAndSaveCarriesIt() throws Exception {
    check(docker("run", "--name", "xattrs-commit", IMAGE, "touch", "/capbin/busybox"), "run touch");
    check(docker("commit", "xattrs-commit", "it/capbox-committed:1"), "commit");
    check(docker("rm", "xattrs-commit"), "rm");
    assertThat(capEff("it/capbox-committed:1", "/capbin/busybox")).isEqualTo(CAPS);

    Path saved = DIR.resolve("saved");
    Files.createDirectories(saved);
    check(docker("save", "-o", DIR.resolve("saved.tar").toString(), "it/capbox-committed:1"), "save");
    HostRootfs.run("tar", "-xf", DIR.resolve("saved.tar").toString(), "-C", saved.toString());
    JsonNode manifest = new ObjectMapper().readTree(saved.resolve("manifest.json").toFile());
    JsonNode layers = manifest.get(0).get("Layers");
    assertThat(layers).hasSize(2);
    Path top = saved.resolve(layers.get(1).asText());
    assertThat(Bytes.contains(Files.readAllBytes(top), "SCHILY.xattr.security.capability"))
        .as("the committed layer's PAX header").isTrue();
    // and GNU tar, an independent reader, restores the capability from it
    Path out = DIR.resolve("from-saved-layer");
    Files.createDirectories(out);
    HostRootfs.run("tar", "--xattrs", "--xattrs-include=*", "-xpf", top.toString(), "-C", out.toString());
    Exec.Result caps = Exec.run(Map.of(), null, 60, List.of("getcap", out.resolve("capbin/busybox").toString()));
    check(caps, "getcap");
    assertThat(caps.out()).contains("cap_setuid").contains("cap_net_bind_service").contains("=ep");
  }

  /** Docker's classic builder: RUN's layer comes from the upper dir and keeps it; COPY chowns, which drops it. */
  @Test
  void aRunStepKeepsTheCapabilityAndCopyFromTheContextDropsItAsDockerDoes() throws Exception {
    Path ctx = DIR.resolve("ctx");
    Files.createDirectories(ctx);
    HostRootfs.run("cp", "/bin/busybox", ctx.resolve("busybox").toString());
    HostRootfs.run("setcap", "cap_setuid,cap_net_bind_service+ep", ctx.resolve("busybox").toString());
    Files.writeString(ctx.resolve("Dockerfile"), """
        FROM %s
        RUN touch /capbin/busybox
        COPY busybox /copied/busybox
        """.formatted(IMAGE));
    Map<String, String> env = new HashMap<>(TestDaemon.env());
    env.put("DOCKER_BUILDKIT", "0");
    check(Exec.run(env, null, 300, Exec.list("/usr/local/bin/docker", "build", "-t", "it/capbox-built:1",
        ctx.toString())), "docker build");
    assertThat(capEff("it/capbox-built:1", "/capbin/busybox")).isEqualTo(CAPS);
    assertThat(capEff("it/capbox-built:1", "/copied/busybox")).isEqualTo(NO_CAPS);
  }

  /** An attribute no file system keeps (an unknown namespace) is skipped with a warning, not a failed import. */
  @Test
  void anAttributeTheFileSystemRefusesIsSkippedWithAWarning() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      byte[] data = "kept\n".getBytes(StandardCharsets.US_ASCII);
      TarArchiveEntry e = new TarArchiveEntry("odd");
      e.setSize(data.length);
      e.setMode(0100644);
      e.addPaxHeader("SCHILY.xattr.bogusns.attr", "v");
      tar.putArchiveEntry(e);
      tar.write(data);
      tar.closeArchiveEntry();
      byte[] busybox = Files.readAllBytes(Path.of("/bin/busybox"));
      TarArchiveEntry b = new TarArchiveEntry("busybox");
      b.setSize(busybox.length);
      b.setMode(0100755);
      tar.putArchiveEntry(b);
      tar.write(busybox);
      tar.closeArchiveEntry();
    }
    Path tar = DIR.resolve("odd.tar");
    Files.write(tar, bytes.toByteArray());
    check(docker("import", tar.toString(), "it/odd-xattr:1"), "import");
    try {
      Exec.Result r = docker("run", "--rm", "it/odd-xattr:1", "/busybox", "cat", "/odd");
      check(r, "run");
      assertThat(r.out()).isEqualTo("kept\n");
      assertThat(Files.readString(TestDaemon.BASE.resolve("berthd.log")))
          .contains("layer entry odd: extended attribute bogusns.attr not restored");
    } finally {
      docker("rmi", "-f", "it/odd-xattr:1");
    }
  }
}
