package io.berth.store.layer;

import io.berth.errdefs.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a tar entry's name inside an extraction root the way a chrooted extractor would:
 * symlinks met on the way are followed with absolute targets taken relative to the root, and a
 * {@code ..} that would climb above the root is refused instead of clamped. This is what keeps a
 * layer such as {@code etc -> ../../..} followed by {@code etc/cron.d/x} from writing on the host.
 * The final component is never followed: callers replace it rather than write through it.
 */
final class RootPath {
  private static final int MAX_LINKS = 40;

  private RootPath() {}

  /** As {@link #clean(String, String)} for a layer entry. */
  static String clean(String name) {
    return clean(name, "layer entry");
  }

  /**
   * Normalises an entry name to a relative path inside the root ({@code ./a//b} -> {@code a/b},
   * {@code /abs} -> {@code abs}); refuses names with {@code ..} components or NUL bytes. A
   * backslash is an ordinary character in a Linux file name, as in Docker and containerd.
   * {@code noun} names the entry in errors ("layer entry", "archive entry").
   */
  static String clean(String name, String noun) {
    List<String> parts = new ArrayList<>();
    for (String p : name.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        throw new InvalidArgumentException(noun + " \"" + name + "\" escapes the root (\"..\")");
      }
      if (p.indexOf('\0') >= 0) {
        throw new InvalidArgumentException(noun + " \"" + name + "\" has a NUL byte");
      }
      parts.add(p);
    }
    return String.join("/", parts);
  }

  /**
   * The real location of {@code rel} (already {@link #clean cleaned}, not empty) below
   * {@code root}, as components: parents are resolved through in-root symlinks and, with
   * {@code create}, made as directories (0755) when missing; {@code created} receives the parents
   * made, relative to root.
   */
  static List<String> resolve(RootedTree root, String rel, String entry, String noun, boolean create,
      List<String> created) throws IOException {
    int cut = rel.lastIndexOf('/');
    String last = rel.substring(cut + 1);
    Deque<String> todo = new ArrayDeque<>();
    if (cut > 0) {
      for (String c : rel.substring(0, cut).split("/")) {
        todo.addLast(c);
      }
    }
    List<String> done = new ArrayList<>();
    int links = 0;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (done.isEmpty()) {
          throw new InvalidArgumentException(noun + " \"" + entry
              + "\" would be written through a symlink that leaves the root; refusing");
        }
        done.removeLast();
        continue;
      }
      List<String> next = with(done, c);
      Path cur = root.host(next);
      if (Files.isSymbolicLink(cur)) {
        if (++links > MAX_LINKS) {
          throw new InvalidArgumentException(noun + " \"" + entry + "\": too many levels of symbolic links");
        }
        String target = Files.readSymbolicLink(cur).toString();
        if (target.startsWith("/")) {
          done.clear();
        }
        String[] parts = target.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
          todo.addFirst(parts[i]);
        }
        continue;
      }
      if (!Files.exists(cur, LinkOption.NOFOLLOW_LINKS)) {
        if (!create) {
          throw new InvalidArgumentException(noun + " \"" + entry + "\": " + String.join("/", next)
              + " does not exist");
        }
        root.checkWritable(next);
        Files.createDirectory(cur);
        Files.setAttribute(cur, "unix:mode", 0755);
        done.add(c);
        created.add(String.join("/", done));
        continue;
      }
      if (!Files.isDirectory(cur, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidArgumentException(noun + " \"" + entry + "\": " + String.join("/", next)
            + " is not a directory");
      }
      done.add(c);
    }
    return with(done, last);
  }

  static List<String> with(List<String> parts, String name) {
    List<String> out = new ArrayList<>(parts.size() + 1);
    out.addAll(parts);
    out.add(name);
    return out;
  }
}
