package io.berth.store.layer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entry names as Docker's archive code gives them (the CLI renames them on its side), crossing into mounts. */
class TreeArchiverTest {
  @TempDir Path tmp;
  private RootedTree view;

  @BeforeEach
  void tree() throws Exception {
    Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
    Files.createDirectories(rootfs.resolve("srv/dir/sub"));
    Files.writeString(rootfs.resolve("srv/dir/b"), "b");
    Files.writeString(rootfs.resolve("srv/dir/a"), "a");
    Files.writeString(rootfs.resolve("srv/dir/sub/c"), "c");
    Files.createSymbolicLink(rootfs.resolve("srv/link"), Path.of("dir"));
    Files.createDirectories(rootfs.resolve("srv/dir/vol"));
    Path volume = Files.createDirectories(tmp.resolve("volume"));
    Files.writeString(volume.resolve("v"), "from the volume");
    List<String> mountPoint = List.of("srv", "dir", "vol");
    view = parts -> { // a volume mounted at /srv/dir/vol
      boolean in = parts.size() >= 3 && parts.subList(0, 3).equals(mountPoint);
      Path p = in ? volume : rootfs;
      for (String s : parts.subList(in ? 3 : 0, parts.size())) {
        p = p.resolve(s);
      }
      return p;
    };
  }

  private List<String> names(List<String> parts, String rootName) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TreeArchiver.write(view, parts, rootName, out);
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        names.add(e.getName() + (e.isSymbolicLink() ? " -> " + e.getLinkName() : ""));
      }
    }
    return names;
  }

  @Test
  void aDirectoryIsNamedAfterItselfAndCrossesIntoMounts() throws Exception {
    assertThat(names(List.of("srv", "dir"), "dir")).containsExactly("dir/", "dir/a", "dir/b", "dir/sub/",
        "dir/sub/c", "dir/vol/", "dir/vol/v");
  }

  @Test
  void dirDotGivesTheContentOnly() throws Exception {
    assertThat(names(List.of("srv", "dir"), ".")).startsWith("./", "./a", "./b");
  }

  @Test
  void aFileOrASymlinkIsOneEntry() throws Exception {
    assertThat(names(List.of("srv", "dir", "a"), "a")).containsExactly("a");
    assertThat(names(List.of("srv", "link"), "link")).containsExactly("link -> dir");
  }

  @Test
  void theRootAndAnExportAreNamedFromTheRoot() throws Exception {
    assertThat(names(List.of(), "/")).startsWith("/", "/srv/", "/srv/dir/");
    assertThat(names(List.of(), null)).startsWith("srv/", "srv/dir/", "srv/dir/a").doesNotContain("/", "./");
  }
}
