package io.berth.client;

import io.berth.http.ChunkedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * A daemon stand-in on a real unix socket for the client's wire tests: it accepts one
 * connection per {@link #serve} call, records the request bytes (head and body) and lets the
 * test write the reply byte by byte, so chunk and frame boundaries can fall anywhere.
 */
final class TestServer implements AutoCloseable {
  /** What the test does with an accepted connection after the request head was read. */
  interface Script {
    void run(Request req, InputStream in, OutputStream out) throws IOException;
  }

  record Request(String head, byte[] body) {}

  final Path socket;
  private final ServerSocketChannel server;

  TestServer(Path dir) throws IOException {
    socket = dir.resolve("d.sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
  }

  String uri() {
    return "unix://" + socket;
  }

  CompletableFuture<Request> serve(Script script) {
    return CompletableFuture.supplyAsync(() -> {
      try (SocketChannel ch = server.accept()) {
        InputStream in = Channels.newInputStream(ch);
        OutputStream out = Channels.newOutputStream(ch);
        String head = readHead(in);
        byte[] body = new byte[0];
        String lower = head.toLowerCase();
        int cl = lower.indexOf("content-length: ");
        if (cl >= 0) {
          int n = Integer.parseInt(lower.substring(cl + 16, lower.indexOf('\r', cl)).trim());
          body = in.readNBytes(n);
        } else if (lower.contains("transfer-encoding: chunked")) {
          body = new ChunkedInputStream(in).readAllBytes();
        }
        Request r = new Request(head, body);
        script.run(r, in, out);
        out.flush();
        return r;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      b.write(c);
      byte[] a = b.toByteArray();
      int n = a.length;
      if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
        break;
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** One Docker stream frame: [stream, 0, 0, 0, size big-endian] then the payload. */
  static byte[] frame(int stream, String payload) {
    byte[] p = payload.getBytes(StandardCharsets.UTF_8);
    byte[] f = new byte[8 + p.length];
    f[0] = (byte) stream;
    f[4] = (byte) (p.length >>> 24);
    f[5] = (byte) (p.length >>> 16);
    f[6] = (byte) (p.length >>> 8);
    f[7] = (byte) p.length;
    System.arraycopy(p, 0, f, 8, p.length);
    return f;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
