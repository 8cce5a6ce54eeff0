package io.berth.store.snapshot;

import io.berth.store.layer.LayerApplier;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A layer unpacked from the same bytes, at the same time, as they are stored as a blob: reading
 * the stream {@link #tee} returns hands each chunk to an unpacker on a thread of its own, so a
 * {@code load} passes over each layer once, with the hashing/writing and the unpacking on two
 * cores instead of one after the other. The chain id is not known until the archive's manifest
 * has been read, so the layer is unpacked into a staging directory that
 * {@link OverlaySnapshotter#adopt} later names; one never adopted is deleted by {@link #close}.
 *
 * <p>Whether the bytes are a layer at all is the unpacker's finding: anything that is not a tar
 * leaves {@link #finish} empty and costs nothing more than draining its copy.
 */
public final class StagedLayer implements AutoCloseable {
  private static final int DEPTH = 8;
  private static final int BLOCK = 512 * 1024;
  private static final byte[] END = new byte[0];

  private final Path dir;
  private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(DEPTH);
  private final CompletableFuture<LayerApplier.Applied> unpacked = new CompletableFuture<>();
  private volatile boolean failed;
  private boolean adopted;

  StagedLayer(Path dir, LayerApplier applier) {
    this.dir = dir;
    Thread.ofPlatform().name("unpack-" + dir.getFileName()).daemon().start(() -> {
      Chunks in = new Chunks();
      try {
        unpacked.complete(applier.apply(in, dir.resolve("diff"), false));
      } catch (RuntimeException | Error e) {
        failed = true;
        unpacked.completeExceptionally(e);
      } finally {
        in.drain(); // the storing side never blocks on a queue nobody reads
      }
    });
  }

  /** {@code source} as a stream whose every byte read also goes to the unpacker. */
  public InputStream tee(InputStream source) {
    return new BlockStream() {
      private boolean ended;

      /** What was read but not yet handed over: the unpacker gets blocks, not every small read. */
      private final byte[] pending = new byte[BLOCK];
      private int filled;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = source.read(b, off, len);
        if (n > 0) {
          for (int done = 0; done < n; ) {
            int k = Math.min(n - done, BLOCK - filled);
            System.arraycopy(b, off + done, pending, filled, k);
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

      private void handOver() throws InterruptedIOException {
        if (filled > 0) {
          offer(Arrays.copyOf(pending, filled));
          filled = 0;
        }
      }

      @Override
      public void close() throws IOException {
        end(); // a reader that stops early ends the unpacker's input too (it then fails)
        source.close();
      }

      private void end() throws InterruptedIOException {
        if (!ended) {
          ended = true;
          handOver();
          offer(END);
        }
      }
    };
  }

  private void offer(byte[] chunk) throws InterruptedIOException {
    if (failed && chunk != END) {
      return; // not a layer: nobody unpacks what follows
    }
    try {
      chunks.put(chunk);
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

  /** The unpacker's side of the queue. */
  private final class Chunks extends BlockStream {
    private byte[] current = new byte[0];
    private int pos;
    private boolean done;

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      while (pos == current.length) {
        if (done) {
          return -1;
        }
        try {
          current = chunks.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while unpacking a staged layer");
        }
        pos = 0;
        if (current == END) {
          done = true;
          current = new byte[0];
        }
      }
      int n = Math.min(len, current.length - pos);
      System.arraycopy(current, pos, b, off, n);
      pos += n;
      return n;
    }

    /** Reads to END and drops it: the tar's trailing padding, or all of what was not a layer. */
    void drain() {
      try {
        while (!done) {
          current = chunks.take();
          if (current == END) {
            done = true;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      current = new byte[0];
      pos = 0;
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
