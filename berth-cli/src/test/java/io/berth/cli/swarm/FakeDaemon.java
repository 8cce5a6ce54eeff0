package io.berth.cli.swarm;

import io.berth.client.TestServerAccess;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A daemon stand-in on a real unix socket for the swarm commands' tests: answers each request
 * with the JSON registered for its method and path (without the API version and query; 404
 * otherwise) and records every request, so a test can compare what the CLI sent with what
 * docker sends.
 */
final class FakeDaemon implements AutoCloseable {
  record Request(String method, String target, String head, String body) {
    String path() {
      String p = target.replaceFirst("^/v[0-9.]+", "");
      int q = p.indexOf('?');
      return q < 0 ? p : p.substring(0, q);
    }

    String query() {
      int q = target.indexOf('?');
      return q < 0 ? "" : target.substring(q + 1);
    }

    String header(String name) {
      for (String line : head.split("\r\n")) {
        int c = line.indexOf(':');
        if (c > 0 && line.substring(0, c).equalsIgnoreCase(name)) {
          return line.substring(c + 1).trim();
        }
      }
      return null;
    }
  }

  private final Path socket;
  private final ServerSocketChannel server;
  private final Map<String, String> answers = new ConcurrentHashMap<>();
  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  FakeDaemon(Path dir) throws IOException {
    socket = dir.resolve("fake.sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    acceptor = Thread.ofVirtual().start(this::serve);
  }

  String uri() {
    return "unix://" + socket;
  }

  /** Answers {@code method path} with 200 and {@code json}. */
  FakeDaemon on(String method, String path, String json) {
    answers.put(method + " " + path, json);
    return this;
  }

  Request only(String method, String path) {
    List<Request> r = requests.stream().filter(x -> x.method().equals(method) && x.path().equals(path)).toList();
    if (r.size() != 1) {
      throw new AssertionError("expected one " + method + " " + path + ", got " + requests);
    }
    return r.getFirst();
  }

  private void serve() {
    while (server.isOpen()) {
      try (SocketChannel ch = server.accept()) {
        InputStream in = Channels.newInputStream(ch);
        OutputStream out = Channels.newOutputStream(ch);
        String head = TestServerAccess.readHead(in);
        String[] first = head.split("\r\n")[0].split(" ");
        String lower = head.toLowerCase();
        int cl = lower.indexOf("content-length: ");
        String body = "";
        if (cl >= 0) {
          int n = Integer.parseInt(lower.substring(cl + 16, lower.indexOf('\r', cl)).trim());
          body = new String(in.readNBytes(n), StandardCharsets.UTF_8);
        }
        Request r = new Request(first[0], first[1], head, body);
        requests.add(r);
        String answer = answers.get(r.method() + " " + r.path());
        String status = answer == null ? "404 Not Found" : "200 OK";
        byte[] b = (answer == null ? "{\"message\":\"page not found\"}" : answer).getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        out.write(b);
        out.flush();
      } catch (IOException e) {
        // closed: the test is over
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    acceptor.interrupt();
  }
}
