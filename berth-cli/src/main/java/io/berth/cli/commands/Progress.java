package io.berth.cli.commands;

import io.berth.cli.format.Units;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

/**
 * A progress bar on stderr for transfers (import, load, save): bytes moved against the total
 * when known, redrawn at most ten times a second; callers pass a null stream unless stderr is
 * a terminal, so scripts and pipes never see it.
 */
final class Progress {
  private Progress() {}

  static InputStream wrap(InputStream in, long total, String label, PrintStream err) {
    if (err == null) {
      return in;
    }
    return new FilterInputStream(in) {
      long sent;
      long lastDraw;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          sent += n;
          long now = System.nanoTime();
          if (now - lastDraw > 100_000_000L) {
            lastDraw = now;
            draw();
          }
        } else if (n < 0) {
          draw();
          err.println();
        }
        return n;
      }

      private void draw() {
        if (total > 0) {
          int width = 40;
          int done = (int) Math.min(width, sent * width / total);
          err.print("\r" + label + " [" + "=".repeat(Math.max(0, done - 1)) + (done > 0 ? ">" : "")
              + " ".repeat(width - done) + "] " + Units.size(sent) + "/" + Units.size(total));
        } else {
          err.print("\r" + label + " " + Units.size(sent));
        }
        err.flush();
      }
    };
  }
}
