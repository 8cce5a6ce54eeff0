package io.berth.store.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Docker's lexical cp path rules (go-archive's PreserveTrailingDotOrSeparator, filepath.Base). */
class CopyPathsTest {
  @Test
  void absoluteKeepsATrailingSlashOrDot() {
    assertThat(CopyPaths.absolute("tmp/dir")).isEqualTo("/tmp/dir");
    assertThat(CopyPaths.absolute("/tmp/dir/")).isEqualTo("/tmp/dir/");
    assertThat(CopyPaths.absolute("/tmp/dir/.")).isEqualTo("/tmp/dir/.");
    assertThat(CopyPaths.absolute("/tmp//x/../dir/./")).isEqualTo("/tmp/dir/./"); // as Go gives it
    assertThat(CopyPaths.absolute("/")).isEqualTo("/");
    assertThat(CopyPaths.absolute("/.")).isEqualTo("/.");
  }

  @Test
  void directoryAssertions() {
    assertThat(CopyPaths.assertsDirectory("/a/")).isTrue();
    assertThat(CopyPaths.assertsDirectory("/a/.")).isTrue();
    assertThat(CopyPaths.assertsDirectory("/a")).isFalse();
    assertThat(CopyPaths.assertsDirectory("/a/..")).isFalse();
  }

  @Test
  void baseIsGosFilepathBase() {
    assertThat(CopyPaths.base("/a/b")).isEqualTo("b");
    assertThat(CopyPaths.base("/a/b/")).isEqualTo("b");
    assertThat(CopyPaths.base("/a/b/.")).isEqualTo(".");
    assertThat(CopyPaths.base("/")).isEqualTo("/");
    assertThat(CopyPaths.base("")).isEqualTo(".");
    assertThat(CopyPaths.base("file")).isEqualTo("file");
  }

  @Test
  void splitAndRebaseAsGoArchive() {
    assertThat(CopyPaths.splitPathDirEntry("/a/b")).containsExactly("/a", "b");
    assertThat(CopyPaths.splitPathDirEntry("/a/b/.")).containsExactly("/a/b", ".");
    assertThat(CopyPaths.splitPathDirEntry("/a/b/")).containsExactly("/a", "b");
    assertThat(CopyPaths.splitPathDirEntry("tmp/x")).containsExactly("tmp", "x");
    assertThat(CopyPaths.splitPathDirEntry("x")).containsExactly(".", "x");
    assertThat(CopyPaths.splitPathDirEntry("/")).containsExactly("/", "/");
    assertThat(CopyPaths.rebaseName("/tmp/link", "/etc")).containsExactly("/etc", "link");
    assertThat(CopyPaths.rebaseName("/tmp/link/.", "/etc")).containsExactly("/etc/.", null);
    assertThat(CopyPaths.rebaseName("/tmp/etc", "/etc")).containsExactly("/etc", null);
  }

  @Test
  void prepareFollowsDockersCopyRules() {
    CopyPaths.Info file = new CopyPaths.Info("/src/f", true, false, null);
    CopyPaths.Info dir = new CopyPaths.Info("/src/d", true, true, null);
    assertThat(CopyPaths.prepare(file, new CopyPaths.Info("/dst", true, true, null)))
        .isEqualTo(new CopyPaths.Prepared("/dst", null, null));
    assertThat(CopyPaths.prepare(file, new CopyPaths.Info("/dst/g", true, false, null)))
        .as("onto an existing file: renamed").isEqualTo(new CopyPaths.Prepared("/dst", "f", "g"));
    assertThat(CopyPaths.prepare(dir, new CopyPaths.Info("/dst/new", false, false, null)))
        .as("a directory to a new name").isEqualTo(new CopyPaths.Prepared("/dst", "d", "new"));
    assertThat(CopyPaths.prepare(new CopyPaths.Info("/src/d/.", true, true, null),
        new CopyPaths.Info("/dst/new", false, false, null))).isEqualTo(new CopyPaths.Prepared("/dst", ".", "new"));
    assertThat(CopyPaths.prepare(new CopyPaths.Info("/src/link", true, false, "alias"),
        new CopyPaths.Info("/dst/n", false, false, null))).isEqualTo(new CopyPaths.Prepared("/dst", "alias", "n"));
    assertThatThrownBy(() -> CopyPaths.prepare(dir, new CopyPaths.Info("/dst/g", true, false, null)))
        .hasMessage("cannot copy directory");
    assertThatThrownBy(() -> CopyPaths.prepare(file, new CopyPaths.Info("/dst/nodir/", false, false, null)))
        .hasMessage("no such directory");
  }
}
