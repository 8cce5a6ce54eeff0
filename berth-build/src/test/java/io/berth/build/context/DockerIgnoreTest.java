package io.berth.build.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DockerIgnoreTest {
  @Test
  void starStaysInOneSegmentAndDoubleStarCrossesThem() {
    DockerIgnore ig = DockerIgnore.parse("*.log\n**/*.tmp\ndocs/*/draft.md\n");
    assertThat(ig.excluded("a.log")).isTrue();
    assertThat(ig.excluded("sub/a.log")).isFalse();
    assertThat(ig.excluded("x.tmp")).isTrue();
    assertThat(ig.excluded("deep/er/x.tmp")).isTrue();
    assertThat(ig.excluded("docs/v1/draft.md")).isTrue();
    assertThat(ig.excluded("docs/v1/v2/draft.md")).isFalse();
  }

  @Test
  void directoryPatternsCoverTheirContentAndLastMatchWins() {
    DockerIgnore ig = DockerIgnore.parse("# build output\ntarget\n!target/app.jar\n/node_modules/\n");
    assertThat(ig.excluded("target")).isTrue();
    assertThat(ig.excluded("target/classes/A.class")).isTrue();
    assertThat(ig.excluded("target/app.jar")).isFalse();
    assertThat(ig.excluded("node_modules/x/index.js")).isTrue();
    assertThat(ig.excluded("src/target.txt")).isFalse();
    assertThat(ig.mayReinclude()).isTrue();
  }

  @Test
  void pathsAreCleaned() {
    DockerIgnore ig = DockerIgnore.parse("./a/../b/*.txt\n");
    assertThat(ig.excluded("b/x.txt")).isTrue();
    assertThat(ig.excluded("./b/x.txt")).isTrue();
    assertThat(ig.excluded("a/x.txt")).isFalse();
  }

  @Test
  void questionMarkClassesAndEscapes() {
    DockerIgnore ig = DockerIgnore.parse("file?.txt\n[ab].md\n[!c]x\nlit\\*\n");
    assertThat(ig.excluded("file1.txt")).isTrue();
    assertThat(ig.excluded("file12.txt")).isFalse();
    assertThat(ig.excluded("a.md")).isTrue();
    assertThat(ig.excluded("c.md")).isFalse();
    assertThat(ig.excluded("dx")).isTrue();
    assertThat(ig.excluded("cx")).isFalse();
    assertThat(ig.excluded("lit*")).isTrue();
    assertThat(ig.excluded("litx")).isFalse();
  }

  @Test
  void refusesABareBang() {
    assertThatThrownBy(() -> DockerIgnore.parse("a\n!\n")).hasMessageContaining("line 2");
    assertThat(DockerIgnore.none().excluded("anything")).isFalse();
  }
}
