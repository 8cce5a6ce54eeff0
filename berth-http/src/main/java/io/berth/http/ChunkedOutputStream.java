package io.berth.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 chunked encoding where each write becomes a chunk and is flushed at once: streaming
 * clients (docker logs -f, events) must see every line when it happens, not when a buffer fills.
 * berth-client sends request bodies of unknown length (build contexts, image loads) with it.
 * {@link #close} writes the last chunk and leaves the underlying stream open.
 */
public final class ChunkedOutputStream extends OutputStream {
  private final OutputStream out;
  private boolean closed;

  public ChunkedOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return;
    }
    if (closed) {
      throw new IOException("stream closed");
    }
    out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.write(b, off, len);
    out.write('\r');
    out.write('\n');
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }
  }
}
