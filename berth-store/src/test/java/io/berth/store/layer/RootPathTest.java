package io.berth.store.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.store.layer.RootPath.Last;
import io.berth.store.layer.RootPath.Missing;
import io.berth.store.layer.RootPath.Options;
import io.berth.store.layer.RootPath.Unresolved;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Paths resolved in a root's scope, in each of the ways its callers ask for. */
class RootPathTest {
  @TempDir Path tmp;
  private Path root;
  private RootedTree tree;

  @BeforeEach
  void tree() throws Exception {
    root = Files.createDirectories(tmp.resolve("root"));
    Files.createDirectories(root.resolve("real"));
    Files.writeString(root.resolve("real/inside"), "x");
    Files.createDirectories(tmp.resolve("outside"));
    Files.createSymbolicLink(root.resolve("abs"), Path.of("/real"));
    Files.createSymbolicLink(root.resolve("up"), Path.of("../../../../../../real"));
    Files.createSymbolicLink(root.resolve("host"), tmp.resolve("outside"));
    Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
    Files.createSymbolicLink(root.resolve("dangling"), Path.of("/nowhere/x"));
    tree = RootedTree.of(root);
  }

  private List<String> resolve(String path, Options how) throws Exception {
    return RootPath.resolve(tree, List.of(path.split("/")), how, new ArrayList<>());
  }

  private static Unresolved.Why why(ThrowingCall call) {
    try {
      call.run();
    } catch (Unresolved u) {
      return u.why();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("resolved");
  }

  private interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  void aChrootedViewFollowsEveryLinkInsideTheRoot() throws Exception {
    assertThat(RootPath.inChroot(root, "/abs", false)).isEqualTo(root.resolve("real"));
    assertThat(RootPath.inChroot(root, "/up/inside", false)).isEqualTo(root.resolve("real/inside"));
    assertThat(RootPath.inChroot(root, "/../../real", false)).isEqualTo(root.resolve("real"));
    assertThat(RootPath.inChroot(root, "/host", false)).as("a host path names a path of the root").isNull();
    assertThat(RootPath.inChroot(root, "/loop", false)).isNull();
    assertThat(RootPath.inChroot(root, "/real/inside/x", false)).as("through a file").isNull();
    assertThat(RootPath.inChroot(root, "/dangling", true)).as("a missing target, as it would be")
        .isEqualTo(root.resolve("nowhere/x"));
    assertThat(RootPath.inChroot(root, "/../../etc", true)).isEqualTo(root.resolve("etc"));
  }

  @Test
  void theLastComponentIsTakenAsNamedCheckedOrFollowed() throws Exception {
    assertThat(resolve("abs", new Options(Last.UNCHECKED, Missing.FAIL, true))).containsExactly("abs");
    assertThat(resolve("missing", new Options(Last.UNCHECKED, Missing.FAIL, true))).containsExactly("missing");
    assertThat(resolve("abs", new Options(Last.NOFOLLOW, Missing.FAIL, false))).containsExactly("abs");
    assertThat(resolve("abs", Options.CHROOT)).containsExactly("real");
    assertThat(why(() -> resolve("missing", new Options(Last.NOFOLLOW, Missing.FAIL, false))))
        .isEqualTo(Unresolved.Why.MISSING);
    assertThat(resolve("dangling", new Options(Last.FOLLOW, Missing.APPEND, false))).containsExactly("nowhere", "x");
  }

  @Test
  void anExtractionMakesMissingParentsAndRefusesAWayOut() throws Exception {
    Options extract = new Options(Last.UNCHECKED, Missing.CREATE, true);
    List<String> created = new ArrayList<>();
    assertThat(RootPath.resolve(tree, List.of("abs", "new", "deeper", "f"), extract, created))
        .containsExactly("real", "new", "deeper", "f");
    assertThat(created).containsExactly("real/new", "real/new/deeper");
    assertThat(Files.isDirectory(root.resolve("real/new/deeper"))).isTrue();
    Files.createSymbolicLink(root.resolve("esc"), Path.of("../outside"));
    assertThat(why(() -> resolve("esc/f", extract))).isEqualTo(Unresolved.Why.LEAVES_ROOT);
    assertThat(Files.exists(tmp.resolve("outside/f"))).isFalse();
    assertThat(resolve("esc/f", new Options(Last.UNCHECKED, Missing.CREATE, false)))
        .as("clamped at the root instead").containsExactly("outside", "f");
  }

  @Test
  void failuresSayWhyAndWhere() {
    assertThat(why(() -> resolve("loop/x", Options.CHROOT))).isEqualTo(Unresolved.Why.LOOP);
    assertThat(why(() -> resolve("real/inside/x", Options.CHROOT))).isEqualTo(Unresolved.Why.NOT_A_DIRECTORY);
    assertThatThrownBy(() -> resolve("real/nope/x", Options.CHROOT)).isInstanceOf(Unresolved.class)
        .hasMessage("real/nope: does not exist");
  }

  @Test
  void entryNamesAreCleanedAndClimbingOnesRefused() {
    assertThat(RootPath.clean("./a//b/")).isEqualTo("a/b");
    assertThat(RootPath.clean("/abs")).isEqualTo("abs");
    assertThatThrownBy(() -> RootPath.clean("a/../../b")).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("escapes the root");
    assertThatThrownBy(() -> RootPath.clean("a\0b")).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("NUL");
  }
}
