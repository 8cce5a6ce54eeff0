package io.berth.store.layer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Deflates one block of a {@link ParallelGzipOutputStream} with ISA-L at its level 1: primed with
 * the window before it, ended with a sync flush (or, for the last block, the final block). Its
 * native buffers are reused from block to block; {@link #close()} frees them.
 */
final class IsalBlockDeflater implements AutoCloseable {
  private final Arena arena = Arena.ofShared();
  /** Frees the native buffers of a deflater that was dropped without close (a failed push). */
  private final java.lang.ref.Cleaner.Cleanable cleanable = Isal.CLEANER.register(this, arena::close);
  private final MemorySegment stream = arena.allocate(Isal.ZSTREAM_SIZE, 64);
  private final MemorySegment levelBuf = arena.allocate(Isal.LEVEL1_BUF, 64);
  private final MemorySegment in;
  private final MemorySegment dict;
  private final MemorySegment out;

  IsalBlockDeflater(int block, int window) {
    in = arena.allocate(block, 64);
    dict = arena.allocate(window, 64);
    // incompressible input grows by a few bytes per 64 KiB of stored blocks
    out = arena.allocate(block + block / 8 + 4096, 64);
  }

  /** Deflates {@code input[0, len)}; returns the deflated bytes (in {@code into}, or a larger copy). */
  byte[] deflate(byte[] input, int len, byte[] dictionary, boolean last, byte[] into, int[] outLength) {
    Isal.call(Isal.H.deflateInit(), stream);
    stream.set(ValueLayout.JAVA_INT, Isal.Z_LEVEL, 1);
    stream.set(ValueLayout.ADDRESS, Isal.Z_LEVEL_BUF, levelBuf);
    stream.set(ValueLayout.JAVA_INT, Isal.Z_LEVEL_BUF_SIZE, Isal.LEVEL1_BUF);
    stream.set(ValueLayout.JAVA_SHORT, Isal.Z_GZIP_FLAG, (short) 0);
    stream.set(ValueLayout.JAVA_SHORT, Isal.Z_FLUSH, last ? 0 : Isal.SYNC_FLUSH);
    stream.set(ValueLayout.JAVA_SHORT, Isal.Z_END_OF_STREAM, (short) (last ? 1 : 0));
    if (dictionary != null) {
      MemorySegment.copy(dictionary, 0, dict, ValueLayout.JAVA_BYTE, 0, dictionary.length);
      int rc;
      try {
        rc = (int) Isal.H.deflateSetDict().invokeExact(stream, dict, dictionary.length);
      } catch (Throwable e) {
        throw new IllegalStateException("isal_deflate_set_dict", e);
      }
      if (rc != 0) {
        throw new IllegalStateException("isal_deflate_set_dict failed: " + rc);
      }
    }
    MemorySegment.copy(input, 0, in, ValueLayout.JAVA_BYTE, 0, len);
    stream.set(ValueLayout.ADDRESS, Isal.Z_NEXT_IN, in);
    stream.set(ValueLayout.JAVA_INT, Isal.Z_AVAIL_IN, len);
    stream.set(ValueLayout.ADDRESS, Isal.Z_NEXT_OUT, out);
    stream.set(ValueLayout.JAVA_INT, Isal.Z_AVAIL_OUT, (int) out.byteSize());
    int rc = Isal.callInt(Isal.H.deflate(), stream);
    int done = stream.get(ValueLayout.JAVA_INT, Isal.Z_STATE);
    if (rc != 0 || stream.get(ValueLayout.JAVA_INT, Isal.Z_AVAIL_IN) != 0
        || done != (last ? Isal.ZSTATE_END : Isal.ZSTATE_NEW_HDR)) {
      throw new IllegalStateException("isal_deflate did not finish a block (rc " + rc + ", state " + done + ")");
    }
    int n = (int) out.byteSize() - stream.get(ValueLayout.JAVA_INT, Isal.Z_AVAIL_OUT);
    byte[] target = into.length >= n ? into : new byte[n];
    MemorySegment.copy(out, ValueLayout.JAVA_BYTE, 0, target, 0, n);
    outLength[0] = n;
    return target;
  }

  @Override
  public void close() {
    cleanable.clean();
  }
}
