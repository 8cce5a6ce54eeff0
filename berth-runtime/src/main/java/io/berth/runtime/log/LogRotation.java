package io.berth.runtime.log;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The file operations of one container's log rotation, each under the log's write lock:
 * conmon replaces the live file when it reaches max-size (its {@code --log-size-max}), and the
 * hold link keeps the previous one; this class then files it as {@code .1} (shifting the older
 * ones and dropping those past max-file), links the new live file again, and compresses
 * rotated files when asked to.
 */
final class LogRotation {
  /** What attached clients of a container without a log may lag behind its output. */
  static final long NONE_BUFFER = 1024 * 1024;
  private final LogFiles files;
  private final LogOptions opts;
  private final Lock lock;
  private final Map<Object, Object> origins;

  LogRotation(Path live, LogOptions opts, LogLocks locks) {
    this.files = new LogFiles(live);
    this.opts = opts;
    this.lock = locks.of(live).writeLock();
    this.origins = locks.origins(live);
  }

  /**
   * Before conmon starts: clears what a crash left half done, files a rotation that happened
   * while berthd was away, and returns the {@code --log-size-max} to give conmon (-1: none).
   * conmon counts from zero while appending to the existing file, so a file over half full is
   * rotated now (trimmed to its newer half with max-file 1) and conmon gets the room that is
   * left, so that no file ever passes max-size.
   */
  long prepare() throws IOException {
    lock.lock();
    try {
      for (Path p : files.siblings()) {
        String name = p.getFileName().toString();
        if (name.contains(LogFiles.GZ_TEMP) || name.endsWith(LogFiles.TRIM_TEMP)) {
          Files.deleteIfExists(p);
        }
      }
      if (opts.driver() == LogDriver.NONE) {
        Files.deleteIfExists(files.live());
        return NONE_BUFFER;
      }
      if (opts.maxSize() < 0) {
        Files.deleteIfExists(files.hold());
        return -1;
      }
      fileHeld();
      long size = Files.exists(files.live()) ? Files.size(files.live()) : 0;
      if (size > opts.maxSize() / 2) {
        if (opts.maxFile() > 1) {
          Files.deleteIfExists(files.hold());
          if (size > opts.maxSize()) {
            trim(opts.maxSize()); // written before the options were honoured (berthd before 0014)
          }
          shiftIn(files.live());
          size = 0;
        } else {
          size = trim(opts.maxSize() / 2);
        }
      }
      if (!Files.exists(files.live())) {
        Files.createFile(files.live());
      }
      if (opts.rotates() && !Files.exists(files.hold())) {
        Files.createLink(files.hold(), files.live());
      }
      return opts.maxSize() - size;
    } finally {
      lock.unlock();
    }
  }

  /**
   * After conmon replaced the live file: the held previous one becomes {@code .1} and the new
   * live file is held. Returns whether a rotated file waits for compression.
   */
  boolean reconcile() throws IOException {
    lock.lock();
    try {
      boolean filed = fileHeld();
      if (opts.rotates() && !Files.exists(files.hold()) && Files.exists(files.live())) {
        try {
          Files.createLink(files.hold(), files.live());
        } catch (FileAlreadyExistsException | java.nio.file.NoSuchFileException e) {
          // conmon replaced the file meanwhile: the next event links the new one
        }
      }
      return filed && opts.compress();
    } finally {
      lock.unlock();
    }
  }

  private boolean fileHeld() throws IOException {
    Object held = LogFiles.key(files.hold());
    if (held == null || held.equals(LogFiles.key(files.live()))) {
      return false;
    }
    shiftIn(files.hold());
    return true;
  }

  /** Makes {@code from} the newest rotated file, shifting the others and dropping those past max-file. */
  private void shiftIn(Path from) throws IOException {
    List<LogFiles.Rotated> rotated = files.rotated();
    for (LogFiles.Rotated r : rotated) {
      if (!r.compressed()) {
        Files.deleteIfExists(files.compressed(r.index())); // a compression cut short
      }
    }
    for (int i = rotated.size() - 1; i >= 0; i--) {
      LogFiles.Rotated r = rotated.get(i);
      int to = r.index() + 1;
      if (to > opts.maxFile() - 1) {
        origins.remove(LogFiles.key(r.path()));
        Files.delete(r.path());
      } else {
        Files.move(r.path(), r.compressed() ? files.compressed(to) : files.plain(to),
            StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (opts.maxFile() > 1) {
      Files.move(from, files.plain(1), StandardCopyOption.REPLACE_EXISTING);
    } else {
      Files.delete(from);
    }
  }

  /** Keeps the records that start in the last {@code keep} bytes of the live file (max-file 1). */
  private long trim(long keep) throws IOException {
    Path live = files.live();
    Path tmp = files.sibling(LogFiles.TRIM_TEMP);
    try (FileChannel in = FileChannel.open(live);
        FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      long size = in.size();
      long from = recordStartAtOrAfter(in, size - keep, size);
      for (long at = from; at < size; ) {
        at += in.transferTo(at, size - at, out);
      }
    }
    Files.move(tmp, live, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return Files.size(live);
  }

  private static long recordStartAtOrAfter(FileChannel ch, long pos, long size) throws IOException {
    if (pos <= 0) {
      return 0;
    }
    ByteBuffer buf = ByteBuffer.allocate(8192);
    for (long at = pos - 1; at < size; at += buf.limit()) {
      buf.clear();
      if (ch.read(buf, at) <= 0) {
        break;
      }
      buf.flip();
      for (int i = 0; i < buf.limit(); i++) {
        if (buf.get(i) == '\n') {
          return at + i + 1;
        }
      }
    }
    return size;
  }

  /**
   * gzip-compresses every plain rotated file into {@code .N.gz}, as Docker names them; the
   * compressed file takes the plain one's modification time, which readers use to skip files
   * older than {@code --since}. Runs without the lock except for the final rename.
   */
  void compress() throws IOException {
    for (LogFiles.Rotated r : files.rotated()) {
      if (!r.compressed()) {
        compress(r.path());
      }
    }
  }

  private void compress(Path plain) throws IOException {
    Object key = LogFiles.key(plain);
    if (key == null) {
      return;
    }
    Path tmp = files.sibling(LogFiles.GZ_TEMP + UUID.randomUUID());
    FileTime modified;
    try (InputStream in = Files.newInputStream(plain);
        OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp), 64 * 1024) {
          {
            def.setLevel(Deflater.BEST_SPEED);
          }
        }) {
      modified = Files.getLastModifiedTime(plain);
      in.transferTo(out);
    } catch (java.nio.file.NoSuchFileException e) {
      Files.deleteIfExists(tmp); // dropped past max-file meanwhile
      return;
    }
    try {
      Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(plain));
    } catch (java.nio.file.NoSuchFileException e) {
      // dropped meanwhile: the rename below finds no source and removes tmp
    }
    Files.setLastModifiedTime(tmp, modified);
    lock.lock();
    try {
      for (LogFiles.Rotated r : files.rotated()) {
        if (!r.compressed() && key.equals(LogFiles.key(r.path()))) {
          Files.move(tmp, files.compressed(r.index()), StandardCopyOption.REPLACE_EXISTING);
          // an entry naming this identity was made for an earlier file whose inode this one reuses
          origins.values().removeIf(key::equals);
          origins.put(LogFiles.key(files.compressed(r.index())), key);
          Files.delete(r.path());
          return;
        }
      }
      Files.deleteIfExists(tmp);
    } finally {
      lock.unlock();
    }
  }
}
