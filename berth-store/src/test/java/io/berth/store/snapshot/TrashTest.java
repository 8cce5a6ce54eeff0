package io.berth.store.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrashTest {
  @TempDir
  Path dir;

  @Test
  void aDiscardedTreeLeavesItsPathAtOnceAndIsDeletedBehind() throws IOException {
    Path tree = tree(dir.resolve("containers/abc"));
    Trash trash = new Trash(dir.resolve("trash"));

    trash.discard(tree);

    assertThat(tree).doesNotExist();
    assertThat(dir.resolve("containers")).isEmptyDirectory();
    await("the trash emptied", () -> trash.empty() && isEmpty(dir.resolve("trash")));
    assertThat(dir.resolve("outside-abc/kept")).hasContent("kept");
  }

  @Test
  void aTrashDeletesWhatAnEarlierRunLeftInIt() throws IOException {
    tree(dir.resolve("trash/abc-7"));
    tree(dir.resolve("trash/def-9"));

    Trash trash = new Trash(dir.resolve("trash"));

    await("the leftovers deleted", () -> trash.empty() && isEmpty(dir.resolve("trash")));
  }

  @Test
  void discardingWhatIsNotThereDoesNothing() {
    Trash trash = new Trash(dir.resolve("trash"));
    trash.discard(dir.resolve("missing"));
    assertThat(trash.empty()).isTrue();
  }

  @Test
  void twoTreesOfOneNameAreKeptApartInTheTrash() throws IOException {
    Trash trash = new Trash(dir.resolve("trash"));
    for (int i = 0; i < 3; i++) {
      Path tree = tree(dir.resolve("containers/same"));
      trash.discard(tree);
      assertThat(tree).doesNotExist();
    }
    await("the trash emptied", () -> trash.empty() && isEmpty(dir.resolve("trash")));
  }

  /** A container's writable layer in miniature, with overlayfs's mode-0 work directory. */
  private static Path tree(Path root) throws IOException {
    Files.createDirectories(root.resolve("upper/etc"));
    Files.writeString(root.resolve("upper/etc/hosts"), "127.0.0.1 localhost\n");
    Files.createDirectories(root.resolve("work/work"));
    Files.setPosixFilePermissions(root.resolve("work/work"), java.util.Set.of());
    // a link out of the tree (as a container may make one): the link goes, never what it names
    Path outside = root.getParent().resolveSibling("outside-" + root.getFileName());
    Files.createDirectories(outside);
    Files.writeString(outside.resolve("kept"), "kept");
    Files.createSymbolicLink(root.resolve("link"), outside);
    return root;
  }

  private static boolean isEmpty(Path d) {
    try (var s = Files.list(d)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits (1000 checks at most) for the background deletion, then asserts that it happened. */
  private static void await(String what, BooleanSupplier done) {
    for (int i = 0; i < 1000 && !done.getAsBoolean(); i++) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    assertThat(done.getAsBoolean()).as(what).isTrue();
  }
}
