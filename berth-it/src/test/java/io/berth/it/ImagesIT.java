package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Image verbs through the stock docker CLI: import, images, inspect, tag, history, save/load, rmi, prune. */
class ImagesIT {
  @BeforeAll
  static void daemon() {
    TestDaemon.ensure();
  }

  @Test
  void importedImageIsListedAndInspectable() {
    Exec.Result r = docker("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}");
    check(r, "images");
    assertThat(r.out()).contains(IMAGE);
    r = docker("image", "inspect", "--format", "{{json .Config.Cmd}} {{.Os}} {{.Architecture}} {{len .RootFS.Layers}}", IMAGE);
    check(r, "inspect");
    assertThat(r.out().trim()).isEqualTo("[\"/bin/sh\"] linux amd64 1");
  }

  @Test
  void importWithChangesSetsConfigFromStdin() throws Exception {
    byte[] tar = Files.readAllBytes(TestDaemon.BASE.resolve("busybox-rootfs.tar"));
    Exec.Result r = TestDaemon.dockerIn(tar, "import", "-c", "ENV FOO=bar", "-c", "WORKDIR /www",
        "-c", "EXPOSE 8080/tcp", "-c", "ENTRYPOINT [\"/bin/echo\"]", "-m", "from stdin", "-", "it/changes:1");
    check(r, "import -");
    r = docker("image", "inspect", "--format",
        "{{json .Config.Env}} {{.Config.WorkingDir}} {{json .Config.ExposedPorts}} {{json .Config.Entrypoint}} {{.Comment}}",
        "it/changes:1");
    check(r, "inspect");
    assertThat(r.out().trim()).isEqualTo(
        "[\"FOO=bar\"] /www {\"8080/tcp\":{}} [\"/bin/echo\"] from stdin");
    r = docker("run", "--rm", "it/changes:1", "hi", "there");
    check(r, "run");
    assertThat(r.out()).isEqualTo("hi there\n");
    check(docker("rmi", "it/changes:1"), "rmi");
  }

  @Test
  void tagHistoryAndRemove() {
    check(docker("tag", IMAGE, "it/tagged:2"), "tag");
    Exec.Result r = docker("images", "--format", "{{.Repository}}:{{.Tag}}");
    assertThat(r.out()).contains("it/tagged:2");
    r = docker("history", "--format", "{{.CreatedBy}}|{{.Size}}", "it/tagged:2");
    check(r, "history");
    assertThat(r.out()).isNotBlank();
    r = docker("rmi", "it/tagged:2");
    check(r, "rmi");
    assertThat(r.out()).contains("Untagged: it/tagged:2");
    assertThat(docker("image", "inspect", IMAGE).exit()).isZero();
  }

  @Test
  void saveAndLoadRoundTripKeepsTheImageId() throws Exception {
    String id = docker("image", "inspect", "--format", "{{.Id}}", IMAGE).out().trim();
    Path tar = TestDaemon.BASE.resolve("saved.tar");
    check(docker("tag", IMAGE, "it/saved:1"), "tag");
    check(docker("save", "-o", tar.toString(), "it/saved:1"), "save");
    assertThat(Files.size(tar)).isGreaterThan(1000);
    check(docker("rmi", "it/saved:1"), "rmi");
    Exec.Result r = docker("load", "-i", tar.toString());
    check(r, "load");
    assertThat(r.out()).contains("Loaded image: it/saved:1");
    assertThat(docker("image", "inspect", "--format", "{{.Id}}", "it/saved:1").out().trim()).isEqualTo(id);
    check(docker("rmi", "it/saved:1"), "rmi");
  }

  @Test
  void pruneRemovesDanglingAndUnusedImages() throws Exception {
    byte[] tar = Files.readAllBytes(TestDaemon.BASE.resolve("busybox-rootfs.tar"));
    check(TestDaemon.dockerIn(tar, "import", "-c", "LABEL dangling=yes", "-"), "import untagged");
    Exec.Result r = docker("image", "prune", "-f");
    check(r, "prune");
    assertThat(docker("images", "--filter", "dangling=true", "-q").out()).isBlank();
    check(TestDaemon.dockerIn(tar, "import", "-c", "LABEL unused=yes", "-", "it/unused:1"), "import");
    check(docker("create", "--name", "keeps-base", IMAGE, "true"), "create");
    try {
      check(docker("image", "prune", "-a", "-f"), "prune -a");
      assertThat(docker("image", "inspect", "it/unused:1").exit()).isNotZero();
      // an image a container uses stays
      assertThat(docker("image", "inspect", IMAGE).exit()).isZero();
    } finally {
      docker("rm", "-f", "keeps-base");
    }
  }

  @Test
  void badInputGetsClearErrors() {
    Exec.Result r = docker("image", "inspect", "it/nope:404");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("No such image");
    r = docker("tag", IMAGE, "Bad/UPPER:tag");
    assertThat(r.exit()).isNotZero();
    r = TestDaemon.dockerIn("this is not a tar".getBytes(), "load");
    assertThat(r.exit()).isNotZero();
    assertThat(docker("images", "-q").exit()).isZero();
  }

  @Test
  void removingAnImageInUseIsRefusedUnlessForced() {
    check(docker("tag", IMAGE, "it/inuse:1"), "tag");
    check(docker("create", "--name", "inuse", "it/inuse:1", "true"), "create");
    Exec.Result r = docker("rmi", docker("image", "inspect", "--format", "{{.Id}}", IMAGE).out().trim());
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).containsAnyOf("in use", "being used", "must be forced");
    check(docker("rm", "inuse"), "rm");
    check(docker("rmi", "it/inuse:1"), "rmi");
  }
}
