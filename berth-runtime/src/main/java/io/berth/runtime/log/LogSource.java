package io.berth.runtime.log;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.zip.GZIPInputStream;

/**
 * One opened file of a container's log: the channel stays valid whatever conmon or the rotator
 * do to the names afterwards, so a reader works on a consistent set of files.
 *
 * @param key the file's identity when it was opened (to notice that conmon replaced the live file)
 * @param size its size when it was opened
 * @param modified its last write (for compressed files: that of the file they were made from)
 */
record LogSource(Path path, FileChannel channel, boolean compressed, Object key, long size, Instant modified)
    implements Closeable {

  /**
   * Opens the log's files in the order they were written: rotated ones oldest first, then the
   * held previous live file if conmon replaced it and the rotator has not filed it yet, then
   * the live file. Empty when nothing was written yet.
   */
  static List<LogSource> snapshot(Path live, LogLocks locks) {
    LogFiles files = new LogFiles(live);
    List<LogSource> out = new ArrayList<>();
    Lock lock = locks.of(live).readLock();
    lock.lock();
    try {
      List<LogFiles.Rotated> rotated = files.rotated();
      for (int i = rotated.size() - 1; i >= 0; i--) {
        LogSource s = open(rotated.get(i).path(), rotated.get(i).compressed());
        if (s != null) {
          out.add(s);
        }
      }
      LogSource current = open(live, false);
      LogSource held = open(files.hold(), false);
      if (held != null && (current == null || !held.key().equals(current.key()))) {
        out.add(held);
      } else if (held != null) {
        held.close();
      }
      if (current != null) {
        out.add(current);
      }
      return out;
    } catch (RuntimeException e) {
      out.forEach(LogSource::close);
      throw e;
    } finally {
      lock.unlock();
    }
  }

  /** Opens {@code path} (null when it does not exist), making sure the identity is that of the file opened. */
  static LogSource open(Path path, boolean compressed) {
    for (int attempt = 0; attempt < 10; attempt++) {
      BasicFileAttributes a;
      FileChannel ch;
      try {
        a = Files.readAttributes(path, BasicFileAttributes.class);
        ch = FileChannel.open(path, StandardOpenOption.READ);
      } catch (NoSuchFileException e) {
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException("opening log file " + path, e);
      }
      try {
        long size = ch.size();
        BasicFileAttributes b = Files.readAttributes(path, BasicFileAttributes.class);
        if (a.fileKey().equals(b.fileKey()) && size <= b.size()) {
          return new LogSource(path, ch, compressed, b.fileKey(), size, b.lastModifiedTime().toInstant());
        }
      } catch (NoSuchFileException e) {
        // replaced between open and stat: try again with the new file
      } catch (IOException e) {
        closeQuietly(ch);
        throw new UncheckedIOException("reading attributes of " + path, e);
      }
      closeQuietly(ch);
    }
    throw new UncheckedIOException("log file " + path + " kept changing while it was opened",
        new IOException("too many concurrent replacements"));
  }

  /**
   * The file's records from {@code offset} (decompressed when it is gzip-compressed, then from
   * its start). Closing the stream leaves the channel open.
   */
  InputStream stream(long offset) throws IOException {
    channel.position(compressed ? 0 : offset);
    InputStream in = new FilterInputStream(Channels.newInputStream(channel)) {
      @Override
      public void close() {
        // the channel belongs to the source
      }
    };
    return compressed ? new GZIPInputStream(in, 64 * 1024) : new BufferedInputStream(in, 64 * 1024);
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // read-only: nothing to lose
    }
  }
}
