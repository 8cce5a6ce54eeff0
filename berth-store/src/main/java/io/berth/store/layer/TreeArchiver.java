package io.berth.store.layer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a tar of one resource of a {@link RootedTree} with the entry names Docker's archive code
 * gives (its daemon for {@code GET .../archive}, its CLI for {@code docker cp} uploads): a non-directory is one entry named {@code rootName}; a directory's entries are
 * {@code rootName/}, {@code rootName/child}... ({@code ./}, {@code ./child} for a {@code dir/.}
 * request; {@code /}, {@code /child} for the root), so the docker CLI can rename or unpack them
 * as {@code cp} semantics require. Children come in name order and crossing into a mount reads
 * the mount's source. Symlinks are stored, never followed. A file that disappears while a
 * running container changes the tree is left out, as Docker does.
 */
public final class TreeArchiver {
  private final RootedTree view;
  private final TarEntryWriter tar;
  private final int rootDepth;

  private TreeArchiver(RootedTree view, OutputStream out, int rootDepth) {
    this.view = view;
    this.tar = new TarEntryWriter(out);
    this.rootDepth = rootDepth;
  }

  /**
   * Archives {@code parts}; {@code rootName} null leaves the root entry out and names the rest
   * relative to it (what {@code docker export} writes). {@code out} is not closed.
   */
  public static void write(RootedTree view, List<String> parts, String rootName, OutputStream out) throws IOException {
    TreeArchiver a = new TreeArchiver(view, out, parts.size());
    Path host = view.host(parts);
    if (rootName != null && !Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
      a.tar.add(host, rootName);
    } else {
      String prefix = rootName == null ? null : rootName.equals("/") ? "" : rootName;
      if (prefix != null) {
        a.tar.add(host, prefix + "/");
      }
      a.children(parts, prefix);
    }
    a.tar.finish();
    out.flush();
  }

  private void children(List<String> dir, String prefix) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(view.host(dir))) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    } catch (NoSuchFileException gone) {
      return;
    }
    names.sort(null);
    for (String name : names) {
      List<String> child = new ArrayList<>(dir);
      child.add(name);
      String entry = prefix == null ? relative(child) : prefix + "/" + relative(child);
      Path host = view.host(child);
      try {
        tar.add(host, entry);
      } catch (NoSuchFileException gone) {
        continue;
      }
      if (Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
        children(child, prefix);
      }
    }
  }

  private String relative(List<String> child) {
    return String.join("/", child.subList(rootDepth, child.size()));
  }
}
