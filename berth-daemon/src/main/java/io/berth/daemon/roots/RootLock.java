package io.berth.daemon.roots;

import io.berth.errdefs.ConflictException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * An exclusive lock on one of berthd's roots, held for the daemon's life. A second daemon on the
 * same data root would take the first one's running containers for dead, unmount their root
 * file systems and reclaim files still being written; the pid file cannot prevent that when the
 * two are given different exec roots. The lock is a record lock on {@code berthd.lock}, which
 * the kernel drops when the holder dies, even by {@code kill -9}, so no stale lock ever needs a
 * hand to remove it; the file names the holder's pid for the refusal message.
 */
public final class RootLock implements AutoCloseable {
  public static final String FILE = "berthd.lock";
  private final FileChannel channel;
  private final FileLock lock;

  private RootLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code root} (a directory that exists) for this process; {@code what} names it in the
   * refusal ("data root", "exec root").
   */
  public static RootLock acquire(Path root, String what) throws IOException {
    Path file = root.resolve(FILE);
    FileChannel ch = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw new IOException("cannot lock " + what + " " + root + " (" + file + "): " + e.getMessage(), e);
    }
    if (lock == null) {
      String holder = holder(ch);
      ch.close();
      throw new ConflictException("another berthd (pid " + holder + ") is using " + what + " " + root
          + "; stop it first, or give this daemon its own --data-root and --exec-root");
    }
    ch.truncate(0);
    ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    ch.force(false);
    return new RootLock(ch, lock);
  }

  /** The pid the holder wrote, or "unknown" while it has not written it yet. */
  private static String holder(FileChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(32);
    ch.read(buf, 0);
    String pid = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
    return pid.matches("\\d+") ? pid : "unknown";
  }

  /** Releases the lock; the file stays, so that a daemon waiting on it never locks an unlinked file. */
  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException ignored) {
      // the lock goes with the process anyway
    }
  }
}
