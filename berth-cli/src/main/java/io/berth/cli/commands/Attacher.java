package io.berth.cli.commands;

import io.berth.cli.session.Cli;
import io.berth.client.ApiClient;
import io.berth.http.StreamFrames;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A hijacked attach (or exec) connection: copies the daemon's output to our stdout/stderr
 * (demultiplexed unless there is a TTY) and, when interactive, our stdin to the container, with
 * the local terminal in raw mode for {@code -it} and restored afterwards.
 */
final class Attacher {
  private final Cli cli;
  private final ApiClient.Connection conn;
  private final boolean stdin;
  private final boolean tty;

  private Attacher(Cli cli, ApiClient.Connection conn, boolean stdin, boolean tty) {
    this.cli = cli;
    this.conn = conn;
    this.stdin = stdin;
    this.tty = tty;
  }

  static Attacher open(Cli cli, String id, boolean stdin, boolean tty) throws IOException {
    String path = "/containers/" + id + "/attach?stream=1&stdout=1&stderr=1" + (stdin ? "&stdin=1" : "");
    return new Attacher(cli, cli.client().hijack(path, null), stdin, tty);
  }

  static Attacher of(Cli cli, ApiClient.Connection conn, boolean stdin, boolean tty) {
    return new Attacher(cli, conn, stdin, tty);
  }

  /** Runs until the daemon closes the stream. */
  void pump() throws IOException {
    boolean raw = tty && stdin && cli.stdinIsTerminal() && Terminal.makeRaw();
    try {
      if (stdin) {
        Thread t = new Thread(() -> {
          try {
            OutputStream out = conn.out();
            byte[] buf = new byte[8192];
            int n;
            while ((n = cli.in.read(buf)) > 0) {
              out.write(buf, 0, n);
              out.flush();
            }
            conn.shutdownOutput().run();
          } catch (IOException ignored) {
            // connection closed
          }
        });
        t.setDaemon(true);
        t.start();
      }
      StreamFrames.demux(conn.in(), cli.out, cli.err, tty);
    } finally {
      if (raw) {
        Terminal.restore();
      }
      conn.close();
    }
  }

  void close() {
    conn.close();
  }
}
