package io.berth.distribution;

import java.io.IOException;
import java.io.InputStream;

/**
 * A blob download that survives a broken connection: when reading fails part way, it asks the
 * registry again with {@code Range: bytes=<received>-} and carries on where it stopped (a
 * registry that ignores Range and sends the whole blob is skipped forward), a few times before
 * giving up. The caller still checks the digest of the whole.
 */
final class ResumingBody extends InputStream {
  /** Opens the blob from an offset: a stream positioned there, or one from the start (206 vs 200). */
  interface Opener {
    Opened open(long offset) throws IOException;
  }

  /** A reopened body and whether it starts at the requested offset. */
  record Opened(InputStream body, boolean partial) {}

  private static final int ATTEMPTS = 5;
  private final Opener opener;
  private InputStream current;
  private long position;
  private int retries;

  ResumingBody(InputStream first, Opener opener) {
    this.current = first;
    this.opener = opener;
  }

  long resumed() {
    return retries;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    while (true) {
      try {
        int n = current.read(b, off, len);
        if (n > 0) {
          position += n;
        }
        return n;
      } catch (IOException e) {
        if (++retries > ATTEMPTS) {
          throw new IOException("download failed after " + ATTEMPTS + " resumes at byte " + position + ": "
              + e.getMessage(), e);
        }
        try {
          current.close();
        } catch (IOException ignored) {
          // the broken connection
        }
        Opened next = opener.open(position);
        current = next.body();
        if (!next.partial()) {
          current.skipNBytes(position); // the registry sent the whole blob again
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    current.close();
  }
}
