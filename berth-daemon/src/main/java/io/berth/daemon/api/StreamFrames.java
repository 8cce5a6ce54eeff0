package io.berth.daemon.api;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Docker's multiplexed stream framing for non-TTY attach, exec and logs: an 8-byte header
 * {@code [stream, 0, 0, 0, size (big-endian uint32)]} then the payload; stream 1 is stdout and
 * 2 is stderr. With a TTY the bytes go raw.
 */
public final class StreamFrames {
  public static final int STDOUT = 1;
  public static final int STDERR = 2;

  private StreamFrames() {}

  /** Writes one frame (or the raw bytes when {@code raw}) and flushes, under the stream's lock. */
  public static void write(OutputStream out, boolean raw, int stream, byte[] data, int off, int len)
      throws IOException {
    synchronized (out) {
      if (!raw) {
        byte[] h = {(byte) stream, 0, 0, 0,
            (byte) (len >>> 24), (byte) (len >>> 16), (byte) (len >>> 8), (byte) len};
        out.write(h);
      }
      out.write(data, off, len);
      out.flush();
    }
  }
}
