package io.berth.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Splits Docker's multiplexed stream (8-byte headers: stream, 0, 0, 0, big-endian size) into
 * stdout and stderr; with a TTY the stream is raw and goes to stdout as is.
 */
public final class StreamDemux {
  private StreamDemux() {}

  public static void copy(InputStream in, OutputStream out, OutputStream err, boolean raw) throws IOException {
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
      OutputStream target = header[0] == 2 ? err : out;
      target.write(data);
      target.flush();
      if (data.length < size) {
        return;
      }
    }
  }
}
