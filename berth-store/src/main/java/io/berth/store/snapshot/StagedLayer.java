package io.berth.store.snapshot;

import io.berth.store.layer.LayerApplier;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A layer unpacked from the same bytes, at the same time, as they are stored as a blob: reading
 * the stream {@link #tee} returns hands the bytes, in blocks, to an unpacker on a thread of its
 * own, so a {@code load} passes over each layer once, with the hashing/writing and the unpacking
 * on two cores instead of one after the other. The chain id is not known until the archive's
 * manifest has been read, so the layer is unpacked into a staging directory that
 * {@link OverlaySnapshotter#adopt} later names; one never adopted is deleted by {@link #close}.
 *
 * <p>Whether the bytes are a layer at all is the unpacker's finding: anything that is not a tar
 * leaves {@link #finish} empty and costs nothing more than draining its copy. The blocks go round
 * between the two threads and are reused, so a layer of any size costs the daemon a few blocks of
 * memory and no garbage.
 */
public final class StagedLayer implements AutoCloseable {
  private static final int DEPTH = 8;
  private static final int BLOCK = 256 * 1024;

  /** {@code length} bytes of {@code bytes}; a null array ends the stream. */
  private record Block(byte[] bytes, int length) {}

  private static final Block END = new Block(null, -1);
  /** Blocks between staged layers, so that load after load allocates none (the heap stays small). */
  private static final java.util.concurrent.ConcurrentLinkedQueue<byte[]> POOL =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private static final int POOL_MAX = 4 * DEPTH;

  private final Path dir;
  private final BlockingQueue<Block> full = new ArrayBlockingQueue<>(DEPTH + 1);
  private final BlockingQueue<byte[]> spare = new ArrayBlockingQueue<>(DEPTH);
  private final CompletableFuture<LayerApplier.Applied> unpacked = new CompletableFuture<>();
  private volatile boolean failed;
  private boolean adopted;

  StagedLayer(Path dir, LayerApplier applier) {
    this.dir = dir;
    for (int i = 0; i < DEPTH; i++) {
      byte[] b = POOL.poll();
      spare.add(b != null ? b : new byte[BLOCK]);
    }
    Thread.ofPlatform().name("unpack-" + dir.getFileName()).daemon().start(() -> {
      Blocks in = new Blocks();
      try {
        unpacked.complete(applier.apply(in, dir.resolve("diff"), false));
      } catch (RuntimeException | Error e) {
        failed = true;
        unpacked.completeExceptionally(e);
      } finally {
        in.drain(); // the storing side never blocks on a queue nobody reads
        // the storing side has ended too (END came): every block is back in spare
        for (byte[] b; (b = spare.poll()) != null; ) {
          if (POOL.size() < POOL_MAX) {
            POOL.offer(b);
          }
        }
      }
    });
  }

  /** {@code source} as a stream whose every byte read also goes to the unpacker. */
  public InputStream tee(InputStream source) {
    return new BlockStream() {
      private boolean ended;
      private byte[] filling;
      private int filled;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = source.read(b, off, len);
        if (n > 0 && !failed) {
          for (int done = 0; done < n; ) {
            if (filling == null) {
              filling = take(spare);
              filled = 0;
            }
            int k = Math.min(n - done, BLOCK - filled);
            System.arraycopy(b, off + done, filling, filled, k);
            filled += k;
            done += k;
            if (filled == BLOCK) {
              handOver();
            }
          }
        } else if (n < 0) {
          end();
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        end(); // a reader that stops early ends the unpacker's input too (it then fails)
        source.close();
      }

      private void handOver() throws InterruptedIOException {
        if (filling != null) {
          put(new Block(filling, filled));
          filling = null;
        }
      }

      private void end() throws InterruptedIOException {
        if (!ended) {
          ended = true;
          handOver();
          put(END);
        }
      }
    };
  }

  private void put(Block b) throws InterruptedIOException {
    try {
      full.put(b);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while staging a layer");
    }
  }

  private static <T> T take(BlockingQueue<T> q) throws InterruptedIOException {
    try {
      return q.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while staging a layer");
    }
  }

  /**
   * Waits for the unpacker; the unpacked size, or null when the bytes were not a layer that
   * could be unpacked (the caller then unpacks from the stored blob, which names the error).
   */
  public LayerApplier.Applied finish() {
    try {
      return unpacked.get();
    } catch (ExecutionException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  Path dir() {
    return dir;
  }

  void adopted() {
    adopted = true;
  }

  boolean isAdopted() {
    return adopted;
  }

  @Override
  public void close() {
    if (!adopted) {
      finish(); // the unpacker must be done writing before its directory goes
      LayerApplier.deleteTree(dir);
    }
  }

  /** The unpacker's side: reads the blocks in order and gives each back once it is used up. */
  private final class Blocks extends BlockStream {
    private Block current;
    private int pos;
    private boolean done;

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      while (current == null || pos == current.length()) {
        if (done) {
          return -1;
        }
        recycle();
        current = take(full);
        pos = 0;
        if (current == END) {
          done = true;
          current = null;
          return -1;
        }
      }
      int n = Math.min(len, current.length() - pos);
      System.arraycopy(current.bytes(), pos, b, off, n);
      pos += n;
      return n;
    }

    private void recycle() {
      if (current != null && current.bytes() != null) {
        spare.offer(current.bytes());
      }
      current = null;
    }

    /** Reads to END and drops it: the tar's trailing padding, or all of what was not a layer. */
    void drain() {
      try {
        while (!done) {
          recycle();
          current = full.take();
          if (current == END) {
            done = true;
            current = null;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A stream read in blocks; a single byte is a block of one. */
  private abstract static class BlockStream extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }
  }
}
