package io.berth.daemon.archive;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Docker's lexical cp path rules (go-archive's PreserveTrailingDotOrSeparator, filepath.Base). */
class ArchivePathsTest {
  @Test
  void absoluteKeepsATrailingSlashOrDot() {
    assertThat(ArchivePaths.absolute("tmp/dir")).isEqualTo("/tmp/dir");
    assertThat(ArchivePaths.absolute("/tmp/dir/")).isEqualTo("/tmp/dir/");
    assertThat(ArchivePaths.absolute("/tmp/dir/.")).isEqualTo("/tmp/dir/.");
    assertThat(ArchivePaths.absolute("/tmp//x/../dir/./")).isEqualTo("/tmp/dir/./"); // as Go gives it
    assertThat(ArchivePaths.absolute("/")).isEqualTo("/");
    assertThat(ArchivePaths.absolute("/.")).isEqualTo("/.");
  }

  @Test
  void directoryAssertions() {
    assertThat(ArchivePaths.assertsDirectory("/a/")).isTrue();
    assertThat(ArchivePaths.assertsDirectory("/a/.")).isTrue();
    assertThat(ArchivePaths.assertsDirectory("/a")).isFalse();
    assertThat(ArchivePaths.assertsDirectory("/a/..")).isFalse();
  }

  @Test
  void baseIsGosFilepathBase() {
    assertThat(ArchivePaths.base("/a/b")).isEqualTo("b");
    assertThat(ArchivePaths.base("/a/b/")).isEqualTo("b");
    assertThat(ArchivePaths.base("/a/b/.")).isEqualTo(".");
    assertThat(ArchivePaths.base("/")).isEqualTo("/");
    assertThat(ArchivePaths.base("")).isEqualTo(".");
    assertThat(ArchivePaths.base("file")).isEqualTo("file");
  }
}
