package io.berth.cli.commands;

import io.berth.store.layer.CopyPaths;
import io.berth.store.layer.LayerApplier;
import io.berth.store.layer.RootedTree;
import io.berth.store.layer.TreeArchiver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The host side of {@code cp}, as the docker CLI does it (go-archive's copy.go): which local path
 * is copied (symlinks before the last element resolved, the last one only with {@code -L}),
 * what the destination is, the tar to upload and the unpacking of a downloaded one (never
 * chowning: files belong to whoever runs the command).
 */
final class LocalCopy {
  private LocalCopy() {}

  /** The docker CLI's resolveLocalPath: filepath.Abs with a trailing {@code /} or {@code /.} kept. */
  static String absolute(String path) {
    return CopyPaths.absolute(path.startsWith("/") ? path : Path.of("").toAbsolutePath() + "/" + path);
  }

  /** CopyInfoSourcePath: the local source, existing, with a rebase name when -L renamed it. */
  static CopyPaths.Info source(String path, boolean followLink) throws IOException {
    String resolved;
    String rebase = null;
    if (followLink) {
      String[] r = CopyPaths.rebaseName(path, real(path));
      resolved = r[0];
      rebase = r[1];
    } else {
      int slash = path.lastIndexOf('/');
      String dir = path.substring(0, slash + 1);
      String base = path.substring(slash + 1);
      resolved = real(dir.isEmpty() ? "." : dir) + "/" + base;
      if (resolved.startsWith("//")) {
        resolved = resolved.substring(1);
      }
      if (path.endsWith("/") && !CopyPaths.base(path).equals(CopyPaths.base(resolved))) {
        rebase = CopyPaths.base(path);
      }
    }
    Path p = Path.of(resolved);
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !(CopyPaths.assertsDirectory(resolved) && Files.exists(p))) {
      throw new NoSuchFileException("lstat " + resolved + ": no such file or directory");
    }
    boolean dir = CopyPaths.assertsDirectory(resolved) ? Files.isDirectory(p)
        : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
    if (CopyPaths.assertsDirectory(resolved) && !dir) {
      throw new IOException("lstat " + resolved + ": not a directory");
    }
    return new CopyPaths.Info(resolved, true, dir, rebase);
  }

  /** filepath.EvalSymlinks: the path with every symlink resolved; Go's words when it does not exist. */
  private static String real(String path) throws IOException {
    try {
      return Path.of(path).toRealPath().toString();
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException("lstat " + e.getFile() + ": no such file or directory");
    }
  }

  /** CopyInfoDestinationPath: the local destination, symlinks followed; its parent must exist. */
  static CopyPaths.Info destination(String path) throws IOException {
    String p = path;
    for (int n = 0; Files.isSymbolicLink(Path.of(p)) && !CopyPaths.assertsDirectory(p); n++) {
      if (n > 10) {
        throw new IOException("too many symlinks in " + path);
      }
      String target = Files.readSymbolicLink(Path.of(p)).toString();
      p = target.startsWith("/") ? target : CopyPaths.splitPathDirEntry(p)[0] + "/" + target;
    }
    Path q = Path.of(p);
    if (Files.exists(q, LinkOption.NOFOLLOW_LINKS)) {
      boolean dir = Files.isDirectory(q);
      if (CopyPaths.assertsDirectory(p) && !dir) {
        throw new IOException("stat " + p + ": not a directory");
      }
      return new CopyPaths.Info(p, true, dir, null);
    }
    String parent = CopyPaths.splitPathDirEntry(p)[0];
    if (!Files.exists(Path.of(parent))) {
      throw new NoSuchFileException("stat " + parent + ": no such file or directory");
    }
    if (!Files.isDirectory(Path.of(parent))) {
      throw new IOException("not a directory");
    }
    return new CopyPaths.Info(p, false, false, null);
  }

  /** The docker CLI's check of a local output path: its directory exists, it is a file or a directory. */
  static void validateOutput(String path) throws IOException {
    String dir = CopyPaths.goDir(CopyPaths.goClean(path));
    if (!dir.equals(".") && !Files.exists(Path.of(dir))) {
      throw new IOException("invalid output path: directory \"" + dir + "\" does not exist");
    }
    Path p = Path.of(path);
    if (Files.exists(p) && !Files.isDirectory(p) && !Files.isRegularFile(p)) {
      throw new IOException("invalid output path: \"" + path + "\" must be a directory or a regular file");
    }
  }

  /** A tar of the local {@code src} whose first element is named {@code rootName}, made as it is read. */
  static InputStream tar(CopyPaths.Info src, String rootName) throws IOException {
    Path p = Path.of(src.path());
    if (CopyPaths.assertsDirectory(src.path())) {
      p = p.toRealPath(); // "dir/" or "dir/.": what the name leads to, even through a link
    }
    java.util.List<String> parts = CopyPaths.clean(p.toString());
    return pipe(out -> TreeArchiver.write(RootedTree.of(Path.of("/")), parts, rootName, out));
  }

  /** Unpacks {@code tar} into the existing directory {@code dir}, owned by this process's user. */
  static void untar(InputStream tar, String dir) throws IOException {
    int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    int gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
    LayerApplier.forCopy(true, new LayerApplier.Owner(uid, gid)).apply(tar, RootedTree.of(Path.of(dir)), false);
  }

  /** go-archive's RebaseArchiveEntries: {@code oldBase} at the start of names becomes {@code newBase}. */
  static InputStream rebase(InputStream tar, String oldBase, String newBase) throws IOException {
    String from = oldBase.replaceAll("/+$", "");
    String to = newBase.replaceAll("/+$", "");
    return pipe(out -> {
      TarArchiveInputStream in = new TarArchiveInputStream(tar);
      TarArchiveOutputStream w = new TarArchiveOutputStream(out);
      w.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      w.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        e.setName(rename(e.getName(), from, to));
        if (e.isLink()) {
          e.setLinkName(rename(e.getLinkName(), from, to));
        }
        w.putArchiveEntry(e);
        in.transferTo(w);
        w.closeArchiveEntry();
      }
      w.finish();
    });
  }

  static String rename(String name, String from, String to) {
    if (from.isEmpty()) {
      String n = name.replaceAll("^/+", "");
      return to.isEmpty() ? n : to + "/" + n;
    }
    if (!name.startsWith(from)) {
      return name;
    }
    String rest = name.substring(from.length());
    return rest.isEmpty() || rest.startsWith("/") ? to + rest : name;
  }

  /** Something that writes a stream. */
  interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /** Runs {@code w} on a virtual thread into a pipe; a failure reaches the reader as an IOException. */
  static InputStream pipe(Writer w) throws IOException {
    PipedInputStream in = new PipedInputStream(1 << 16);
    PipedOutputStream out = new PipedOutputStream(in);
    java.util.concurrent.atomic.AtomicReference<IOException> failed = new java.util.concurrent.atomic.AtomicReference<>();
    Thread.ofVirtual().start(() -> {
      try {
        w.write(out);
      } catch (IOException e) {
        failed.set(e);
      } catch (RuntimeException e) {
        failed.set(new IOException(e.getMessage(), e));
      } finally {
        try {
          out.close(); // after the failure is recorded: the reader's end of stream checks it
        } catch (IOException ignored) {
          // the reader went away
        }
      }
    });
    return new java.io.FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n < 0 && failed.get() != null) {
          throw failed.get();
        }
        return n;
      }
    };
  }
}
