package io.berth.store.layer;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip on every core, as pigz does: the input is cut into fixed 1 MiB blocks, each deflated on
 * its own (primed with the previous block's last 32 KiB, so matches still reach back) and ended
 * with a sync flush, and the raw deflate pieces are joined in order into one gzip member. A push
 * of a large layer is otherwise bound to one core. Blocks are deflated by ISA-L where the host
 * has it ({@link IsalBlockDeflater}, decision 0013), by zlib otherwise. The bytes depend only on
 * the input, the encoding and that engine, never on timing or the number of threads, so a
 * re-push from the same host gives the same digest.
 */
public final class ParallelGzipOutputStream extends OutputStream {
  static final int BLOCK = 1 << 20;
  private static final int WINDOW = 32 * 1024;
  /** mtime 0 and OS "unknown": nothing about the machine or the time goes into the bytes. */
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
  /** Shared by all streams: the cores are the limit, however many layers compress at once. */
  private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, r -> {
    Thread t = new Thread(r, "gzip-block");
    t.setDaemon(true);
    return t;
  });

  private final OutputStream out;
  private final GzipEncoding encoding;
  private final boolean isal;
  private final CRC32 crc = new CRC32();
  /**
   * A block's buffers and deflater, reused: a push of a large layer would otherwise make
   * megabytes of garbage per block, which a small-heap daemon pays for in collections.
   */
  private final ArrayDeque<Slot> free = new ArrayDeque<>();
  private final ArrayDeque<Slot> inFlight = new ArrayDeque<>();
  private final byte[] tail = new byte[WINDOW];
  private boolean haveTail;
  private Slot current;
  private long total;
  private boolean closed;

  /** One block: its input, the window before it, its deflated bytes. */
  private final class Slot {
    final byte[] in = new byte[BLOCK];
    final byte[] dictionary = new byte[WINDOW];
    /** ISA-L where it is and the block is to be compressed at all; zlib otherwise. */
    final IsalBlockDeflater isalDeflater = useIsal() ? new IsalBlockDeflater(BLOCK, WINDOW) : null;
    final Deflater deflater = isalDeflater == null ? deflater() : null;
    final int[] length = new int[1];
    byte[] out = new byte[BLOCK + BLOCK / 1000 + 1024];
    int filled;
    int outLength;
    boolean primed;
    Future<?> done;

    void end() {
      if (isalDeflater != null) {
        isalDeflater.close();
      } else {
        deflater.end();
      }
    }

    void deflate(boolean last) {
      if (isalDeflater != null) {
        out = isalDeflater.deflate(in, filled, primed ? dictionary : null, last, out, length);
        outLength = length[0];
        return;
      }
      deflater.reset();
      if (primed) {
        deflater.setDictionary(dictionary);
      }
      deflater.setInput(in, 0, filled);
      if (last) {
        deflater.finish();
      }
      outLength = 0;
      while (true) {
        outLength += deflater.deflate(out, outLength, out.length - outLength,
            last ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH);
        if (last ? deflater.finished() : deflater.needsInput() && outLength < out.length) {
          return;
        }
        if (outLength == out.length) {
          out = Arrays.copyOf(out, out.length * 2);
        }
      }
    }
  }

  public ParallelGzipOutputStream(OutputStream out, GzipEncoding encoding) throws IOException {
    this(out, encoding, Isal.available());
  }

  /** With {@code isal} false, zlib compresses even where ISA-L is available (tests of both). */
  ParallelGzipOutputStream(OutputStream out, GzipEncoding encoding, boolean isal) throws IOException {
    this.out = out;
    this.encoding = encoding;
    this.isal = isal;
    out.write(HEADER);
  }

  private boolean useIsal() {
    return isal && encoding.level() != Deflater.NO_COMPRESSION;
  }

  private Deflater deflater() {
    Deflater d = new Deflater(encoding.level(), true);
    d.setStrategy(encoding.strategy());
    return d;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    crc.update(b, off, len);
    total += len;
    while (len > 0) {
      Slot s = slot();
      int n = Math.min(len, BLOCK - s.filled);
      System.arraycopy(b, off, s.in, s.filled, n);
      s.filled += n;
      off += n;
      len -= n;
      if (s.filled == BLOCK) {
        submit(false);
      }
    }
  }

  private Slot slot() {
    if (current == null) {
      current = free.isEmpty() ? new Slot() : free.poll();
      current.filled = 0;
    }
    return current;
  }

  /** Hands the full (or, at the end, last) block to the pool; writes finished blocks in order. */
  private void submit(boolean last) throws IOException {
    Slot s = slot();
    s.primed = haveTail;
    if (haveTail) {
      System.arraycopy(tail, 0, s.dictionary, 0, WINDOW);
    }
    if (!last) {
      System.arraycopy(s.in, BLOCK - WINDOW, tail, 0, WINDOW);
      haveTail = true;
    }
    s.done = POOL.submit(() -> s.deflate(last));
    inFlight.add(s);
    current = null;
    // a bounded number of blocks in flight: a few MiB per stream, all cores busy
    while (inFlight.size() > THREADS || (last && !inFlight.isEmpty())) {
      Slot ready = inFlight.poll();
      await(ready.done);
      out.write(ready.out, 0, ready.outLength);
      free.add(ready);
    }
  }

  private static void await(Future<?> f) throws IOException {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while compressing", e);
    } catch (ExecutionException e) {
      throw new IOException("compressing a block: " + e.getCause(), e.getCause());
    }
  }

  /** Compresses what is left, writes the trailer (CRC-32 and length) and closes the target. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    try {
      submit(true);
      long c = crc.getValue();
      out.write(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
          (byte) total, (byte) (total >> 8), (byte) (total >> 16), (byte) (total >> 24)});
    } finally {
      closed = true;
      // after a failure, blocks still compressing use their buffers: wait for them (a few ms) before freeing
      for (Slot s : inFlight) {
        try {
          s.done.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.CancellationException ignored) {
          // its failure was reported, or it never ran
        }
        free.add(s);
      }
      inFlight.clear();
      free.forEach(Slot::end);
      if (current != null) {
        current.end();
      }
      out.close();
    }
  }
}
