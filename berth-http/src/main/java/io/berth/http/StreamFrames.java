package io.berth.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Docker's multiplexed stream framing for non-TTY attach, exec and logs: an 8-byte header
 * {@code [stream, 0, 0, 0, size (big-endian uint32)]} then the payload; stream 1 is stdout and
 * 2 is stderr. With a TTY the bytes go raw. The daemon writes it and berth-client reads it.
 */
public final class StreamFrames {
  public static final int STDOUT = 1;
  public static final int STDERR = 2;
  /** Docker's stdcopy.Systemerr: an error the daemon reports inside a stream it already began. */
  public static final int SYSTEMERR = 3;

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

  /**
   * Copies frames to {@code out} and {@code err} by their stream, flushing each, until the input
   * ends (a truncated frame ends it too); when {@code raw} (a TTY) everything goes to {@code out}.
   * A system-error frame ends the copy with Docker's "error from daemon in stream: ..." IOException.
   */
  public static void demux(InputStream in, OutputStream out, OutputStream err, boolean raw) throws IOException {
    if (raw) {
      byte[] buf = new byte[32 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        out.flush();
      }
      return;
    }
    byte[] header = new byte[8];
    while (true) {
      int got = in.readNBytes(header, 0, 8);
      if (got < 8) {
        return;
      }
      int size = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8)
          | (header[7] & 0xff);
      byte[] data = in.readNBytes(size);
      if (header[0] == SYSTEMERR) {
        throw new IOException("error from daemon in stream: "
            + new String(data, java.nio.charset.StandardCharsets.UTF_8).stripTrailing());
      }
      OutputStream target = header[0] == STDERR ? err : out;
      target.write(data);
      target.flush();
      if (data.length < size) {
        return;
      }
    }
  }
}
