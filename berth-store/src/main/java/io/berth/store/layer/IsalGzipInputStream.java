package io.berth.store.layer;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.zip.ZipException;

/**
 * A gzip stream inflated by ISA-L ({@link Isal}): what {@link java.util.zip.GZIPInputStream}
 * does, four to five times faster. Each member's CRC-32 and length are checked; members that
 * follow one another are read as one stream; bytes after the last member that do not start
 * another are ignored, as GZIPInputStream does (they still pass through any digest around the
 * raw stream).
 */
final class IsalGzipInputStream extends InputStream {
  private static final int IN_SIZE = 128 * 1024;
  private static final int OUT_SIZE = 256 * 1024;

  private final InputStream raw;
  private final Arena arena = Arena.ofShared();
  private final java.lang.ref.Cleaner.Cleanable cleanable = Isal.CLEANER.register(this, arena::close);
  private final MemorySegment state;
  private final MemorySegment in;
  private final MemorySegment out;
  private final byte[] staging = new byte[IN_SIZE];
  private int outPos;
  private int outLimit;
  private boolean rawEnded;
  private boolean memberDone;
  private boolean ended;
  private boolean closed;

  IsalGzipInputStream(InputStream raw) throws IOException {
    this.raw = raw;
    state = arena.allocate(Isal.INFLATE_STATE_SIZE, 64);
    in = arena.allocate(IN_SIZE, 64);
    out = arena.allocate(OUT_SIZE, 64);
    Isal.call(Isal.H.inflateInit(), state);
    state.set(ValueLayout.JAVA_INT, Isal.I_CRC_FLAG, Isal.ISAL_GZIP);
    state.set(ValueLayout.ADDRESS, Isal.I_NEXT_IN, in);
    state.set(ValueLayout.JAVA_INT, Isal.I_AVAIL_IN, 0);
    while (availIn() < 2 && !rawEnded) {
      fill();
    }
    if (availIn() < 2 || in.get(ValueLayout.JAVA_BYTE, 0) != 0x1f
        || (in.get(ValueLayout.JAVA_BYTE, 1) & 0xff) != 0x8b) {
      close();
      throw new ZipException("Not in GZIP format");
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("Stream closed");
    }
    if (len == 0) {
      return 0;
    }
    while (outPos == outLimit) {
      if (ended || !inflate()) {
        return -1;
      }
    }
    int n = Math.min(len, outLimit - outPos);
    MemorySegment.copy(out, ValueLayout.JAVA_BYTE, outPos, b, off, n);
    outPos += n;
    return n;
  }

  /** Inflates into the output buffer; false at the end of the stream. */
  private boolean inflate() throws IOException {
    if (memberDone && !nextMember()) {
      ended = true;
      return false;
    }
    state.set(ValueLayout.ADDRESS, Isal.I_NEXT_OUT, out);
    state.set(ValueLayout.JAVA_INT, Isal.I_AVAIL_OUT, OUT_SIZE);
    while (true) {
      int rc = Isal.callInt(Isal.H.inflate(), state);
      if (rc < 0) {
        throw new ZipException(rc == Isal.INCORRECT_CHECKSUM ? "Corrupt GZIP trailer" : "invalid gzip data (ISA-L error " + rc + ")");
      }
      outPos = 0;
      outLimit = OUT_SIZE - state.get(ValueLayout.JAVA_INT, Isal.I_AVAIL_OUT);
      memberDone = state.get(ValueLayout.JAVA_INT, Isal.I_BLOCK_STATE) == Isal.BLOCK_FINISH;
      if (outLimit > 0 || memberDone) {
        break;
      }
      // no output yet: the input ran out (or holds only part of a symbol or header)
      if (!fill()) {
        throw new EOFException("Unexpected end of ZLIB input stream");
      }
    }
    return true;
  }

  /** After a member: starts the next one if another gzip header follows. */
  private boolean nextMember() throws IOException {
    while (availIn() < 2 && !rawEnded) {
      fill();
    }
    if (availIn() < 2 || nextIn().get(ValueLayout.JAVA_BYTE, 0) != 0x1f
        || (nextIn().get(ValueLayout.JAVA_BYTE, 1) & 0xff) != 0x8b) {
      return false;
    }
    MemorySegment at = nextIn();
    int avail = availIn();
    Isal.call(Isal.H.inflateReset(), state);
    state.set(ValueLayout.JAVA_INT, Isal.I_CRC_FLAG, Isal.ISAL_GZIP);
    state.set(ValueLayout.ADDRESS, Isal.I_NEXT_IN, at);
    state.set(ValueLayout.JAVA_INT, Isal.I_AVAIL_IN, avail);
    memberDone = false;
    return true;
  }

  private int availIn() {
    return state.get(ValueLayout.JAVA_INT, Isal.I_AVAIL_IN);
  }

  private MemorySegment nextIn() {
    long offset = state.get(ValueLayout.ADDRESS, Isal.I_NEXT_IN).address() - in.address();
    return in.asSlice(offset, availIn());
  }

  /** Moves the unread input to the buffer's start and reads more behind it; false when there was no more. */
  private boolean fill() throws IOException {
    int avail = availIn();
    if (avail > 0) {
      MemorySegment.copy(nextIn(), 0, in, 0, avail);
    }
    int n = rawEnded ? -1 : raw.read(staging, 0, IN_SIZE - avail);
    if (n < 0) {
      rawEnded = true;
    } else {
      MemorySegment.copy(staging, 0, in, ValueLayout.JAVA_BYTE, avail, n);
      avail += n;
    }
    state.set(ValueLayout.ADDRESS, Isal.I_NEXT_IN, in);
    state.set(ValueLayout.JAVA_INT, Isal.I_AVAIL_IN, avail);
    return n > 0;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    cleanable.clean();
    raw.close();
  }
}
