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
 * Resolves a path inside a root the way a chrooted process would, the one place Berth does so:
 * symlinks met on the way are followed, an absolute target starts again at the root, and a
 * {@code ..} never climbs above it (it stops there, or with {@link Options#refuseEscape} is
 * refused, as an extractor must: a layer such as {@code etc -> ../../..} followed by
 * {@code etc/cron.d/x} must not write where a host extractor would). Layer extraction, {@code
 * docker cp}, the COPY destination look-up, volume copy-up and subpaths all use it, each with its
 * own {@link Options}, so a link to {@code /etc} or {@code ../../..} always lands inside the root
 * and never on the host.
 */
public final class RootPath {
  private static final int MAX_LINKS = 40;

  private RootPath() {}

  /** What becomes of the last component. */
  public enum Last {
    /** Taken as named, neither looked at nor followed: the caller replaces what is there. */
    UNCHECKED,
    /** Must exist (as {@link Options#missing} says) but a symlink there is not followed. */
    NOFOLLOW,
    /** Followed like every other component. */
    FOLLOW
  }

  /** What a missing component does. */
  public enum Missing {
    /** {@link Unresolved} ({@link Unresolved.Why#MISSING}). */
    FAIL,
    /** Made as a directory (0755) where the tree allows writing; never the last component. */
    CREATE,
    /** It and the rest are appended as written (how Docker reports a dangling link's target). */
    APPEND
  }

  /** How to resolve: the last component's treatment, missing components, {@code ..} above the root. */
  public record Options(Last last, Missing missing, boolean refuseEscape) {
    /** A chrooted process's view: everything followed, {@code ..} stops at the root. */
    public static final Options CHROOT = new Options(Last.FOLLOW, Missing.FAIL, false);
  }

  /** A path that does not resolve: the components up to the one that failed, and why. */
  public static final class Unresolved extends IOException {
    /** Why the path does not resolve. */
    public enum Why { MISSING, NOT_A_DIRECTORY, LOOP, LEAVES_ROOT }

    private final Why why;
    private final List<String> parts;

    Unresolved(Why why, List<String> parts) {
      super(String.join("/", parts) + ": " + switch (why) {
        case MISSING -> "does not exist";
        case NOT_A_DIRECTORY -> "is not a directory";
        case LOOP -> "too many levels of symbolic links";
        case LEAVES_ROOT -> "a symlink leads out of the root";
      });
      this.why = why;
      this.parts = List.copyOf(parts);
    }

    public Why why() {
      return why;
    }

    /** The path up to the failing component, relative to the root. */
    public List<String> parts() {
      return parts;
    }
  }

  /**
   * The real location of {@code components} below {@code root}, as components with no symlink
   * (but perhaps the last) and no {@code .} or {@code ..} left. {@code created} (null unless
   * {@link Missing#CREATE}) receives the directories made, relative to the root. Throws
   * {@link Unresolved} for a path that does not resolve, other IOExceptions for the disk's errors.
   */
  public static List<String> resolve(RootedTree root, List<String> components, Options how, List<String> created)
      throws IOException {
    Deque<String> todo = new ArrayDeque<>(components);
    List<String> done = new ArrayList<>();
    int links = 0;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (done.isEmpty() && how.refuseEscape()) {
          throw new Unresolved(Unresolved.Why.LEAVES_ROOT, done);
        }
        if (!done.isEmpty()) {
          done.removeLast();
        }
        continue;
      }
      boolean last = todo.isEmpty();
      if (last && how.last() == Last.UNCHECKED) {
        done.add(c);
        break;
      }
      List<String> next = with(done, c);
      Path cur = root.host(next);
      if (Files.isSymbolicLink(cur) && !(last && how.last() == Last.NOFOLLOW)) {
        if (++links > MAX_LINKS) {
          throw new Unresolved(Unresolved.Why.LOOP, next);
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
        switch (how.missing()) {
          case FAIL -> throw new Unresolved(Unresolved.Why.MISSING, next);
          case APPEND -> {
            done.add(c);
            appendLexically(done, todo);
            return done;
          }
          case CREATE -> {
            if (last) {
              done.add(c);
              continue;
            }
            root.checkWritable(next);
            Files.createDirectory(cur);
            Files.setAttribute(cur, "unix:mode", 0755);
            done.add(c);
            created.add(String.join("/", done));
            continue;
          }
        }
      }
      if (!last && !Files.isDirectory(cur, LinkOption.NOFOLLOW_LINKS)) {
        throw new Unresolved(Unresolved.Why.NOT_A_DIRECTORY, next);
      }
      done.add(c);
    }
    return done;
  }

  /**
   * The host path of {@code path} below the directory {@code root} as a process chrooted there
   * would find it ({@link Options#CHROOT}), or null where it does not resolve: a missing
   * component (unless {@code orMissing}: then the path it would have), a non-directory on the
   * way, a symlink loop, an unreadable link.
   */
  public static Path inChroot(Path root, String path, boolean orMissing) {
    RootedTree tree = RootedTree.of(root);
    Options how = orMissing ? new Options(Last.FOLLOW, Missing.APPEND, false) : Options.CHROOT;
    try {
      return tree.host(resolve(tree, List.of(path.split("/")), how, null));
    } catch (IOException e) {
      return null;
    }
  }

  private static void appendLexically(List<String> done, Deque<String> rest) {
    for (String c : rest) {
      if (c.equals("..")) {
        if (!done.isEmpty()) {
          done.removeLast();
        }
      } else if (!c.isEmpty() && !c.equals(".")) {
        done.add(c);
      }
    }
  }

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

  static List<String> with(List<String> parts, String name) {
    List<String> out = new ArrayList<>(parts.size() + 1);
    out.addAll(parts);
    out.add(name);
    return out;
  }
}
