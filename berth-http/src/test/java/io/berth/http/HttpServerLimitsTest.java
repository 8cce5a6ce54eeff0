package io.berth.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link HttpLimits} on a real server, over a unix socket (berthd's) and TCP (the registry's):
 * slow and idle clients are let go, long responses and hijacked streams are not. Timeouts here are
 * short so the tests are quick; nothing asserts how long anything took, only what happened.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpServerLimitsTest {
  private static final Duration SHORT = Duration.ofMillis(300);
  private static final Duration LONG = Duration.ofMinutes(5);
  @TempDir Path tmp;
  private final List<String> handled = new CopyOnWriteArrayList<>();
  private final List<SocketChannel> clients = new ArrayList<>();
  private HttpServer server;

  @AfterEach
  void stop() throws IOException {
    for (SocketChannel c : clients) {
      c.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** A handler answering "ok"; /stream sends 20 chunks 100 ms apart; /echo hijacks and echoes lines. */
  private final HttpHandler handler = (q, s) -> {
    handled.add(q.method() + " " + q.path());
    switch (q.path()) {
      case "/body" -> {
        try {
          s.send(200, "text/plain", q.body().readAllBytes());
        } catch (IOException e) {
          handled.add("body failed: " + e.getClass().getSimpleName());
          throw e;
        }
      }
      case "/stream" -> {
        try (OutputStream o = s.stream(200, "text/plain")) {
          for (int i = 0; i < 20; i++) {
            o.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(100);
          }
        }
      }
      case "/echo" -> {
        HttpResponse.Hijacked h = s.hijack(true, "application/vnd.docker.raw-stream");
        InputStream in = h.in();
        for (int b; (b = in.read()) >= 0; ) {
          h.out().write(b);
          if (b == '\n') {
            h.out().flush();
          }
        }
      }
      default -> s.send(200, "text/plain", "ok".getBytes(StandardCharsets.US_ASCII));
    }
  };

  private String start(String transport, HttpLimits limits) throws IOException {
    server = new HttpServer(handler, limits);
    if (transport.equals("unix")) {
      Path sock = tmp.resolve("s.sock");
      server.listenUnix(sock);
      return "unix:" + sock;
    }
    ServerSocket ss = new ServerSocket();
    ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    server.listenTcp(ss);
    return "tcp:" + ss.getLocalPort();
  }

  private SocketChannel connect(String addr) throws IOException {
    SocketChannel c;
    if (addr.startsWith("unix:")) {
      c = SocketChannel.open(StandardProtocolFamily.UNIX);
      c.connect(UnixDomainSocketAddress.of(addr.substring(5)));
    } else {
      c = SocketChannel.open(StandardProtocolFamily.INET);
      c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(addr.substring(4))));
    }
    clients.add(c);
    return c;
  }

  private static void send(SocketChannel c, String text) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    while (b.hasRemaining()) {
      c.write(b);
    }
  }

  /** Reads until {@code marker} has arrived (true) or the server closed the connection (false). */
  private static boolean readUntil(SocketChannel c, String marker, ByteArrayOutputStream seen) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4096);
    while (!seen.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
      b.clear();
      int n;
      try {
        n = c.read(b);
      } catch (IOException reset) {
        return false;
      }
      if (n < 0) {
        return false;
      }
      seen.write(b.array(), 0, n);
    }
    return true;
  }

  /** True once the server has closed the connection (reading whatever it still sends). */
  private static boolean closedByServer(SocketChannel c) throws IOException {
    return !readUntil(c, "\u0000never\u0000", new ByteArrayOutputStream());
  }

  private static String get(SocketChannel c, String path) throws IOException {
    send(c, "GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n");
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    assertThat(readUntil(c, "\r\n\r\nok", seen)).as("answer to " + path).isTrue();
    return seen.toString(StandardCharsets.ISO_8859_1);
  }

  /** Waits (bounded) until {@code n} connections wait for a request. */
  private void awaitIdle(int n) throws InterruptedException {
    for (int i = 0; i < 500 && server.idleConnections() != n; i++) {
      Thread.sleep(10);
    }
    assertThat(server.idleConnections()).isEqualTo(n);
  }

  private static HttpLimits limits(Duration header, Duration idle, Duration stall, int maxIdle) {
    return new HttpLimits(header, idle, stall, maxIdle, 16 * 1024, 200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"unix", "tcp"})
  void aHalfSentRequestIsClosedAfterTheHeaderTimeout(String transport) throws Exception {
    String addr = start(transport, limits(SHORT, LONG, LONG, 100));
    SocketChannel c = connect(addr);
    send(c, "GET /half HTTP/1.1\r\nHost: t\r\n"); // the blank line never comes
    assertThat(closedByServer(c)).isTrue();
    // a client that dribbles a header byte at a time does not extend the time it has
    SocketChannel d = connect(addr);
    boolean closed = false;
    for (int i = 0; i < 600 && !closed; i++) { // 60 s at most: far past the 300 ms it is given
      try {
        send(d, i == 0 ? "GET /dribble HTTP/1.1\r\nX-Slow: " : "a");
      } catch (IOException gone) {
        closed = true;
      }
      Thread.sleep(100);
    }
    assertThat(closed || closedByServer(d)).isTrue();
    // and a client that connects and says nothing is let go as well
    assertThat(closedByServer(connect(addr))).isTrue();
    assertThat(handled).isEmpty();
  }

  @Test
  void aStalledBodyIsCutButAFlowingOneIsNot() throws Exception {
    String addr = start("unix", limits(LONG, LONG, SHORT, 100));
    SocketChannel c = connect(addr);
    send(c, "POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc"); // 7 bytes owed
    assertThat(closedByServer(c)).isTrue();
    for (int i = 0; i < 500 && handled.size() < 2; i++) { // the handler notes its failure after the close
      Thread.sleep(10);
    }
    assertThat(handled).hasSize(2).first().isEqualTo("POST /body");
    assertThat(handled.get(1)).startsWith("body failed");
    // a body whose bytes keep coming, slower than the stall timeout in total but never stalling that long
    SocketChannel d = connect(addr);
    send(d, "POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n");
    for (int i = 0; i < 10; i++) {
      Thread.sleep(60);
      send(d, Integer.toString(i));
    }
    assertThat(readUntil(d, "0123456789", new ByteArrayOutputStream())).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"unix", "tcp"})
  void idleConnectionsBeyondTheCapAreClosedOldestFirst(String transport) throws Exception {
    String addr = start(transport, limits(LONG, LONG, LONG, 3));
    List<SocketChannel> cs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      SocketChannel c = connect(addr);
      get(c, "/" + i); // answered, then the connection waits for its next request
      cs.add(c);
      awaitIdle(Math.min(i + 1, 3)); // so the waiting order is the order of the connections
    }
    assertThat(closedByServer(cs.get(0))).as("the longest waiting").isTrue();
    assertThat(closedByServer(cs.get(1))).isTrue();
    for (int i = 2; i < 5; i++) {
      assertThat(get(cs.get(i), "/again")).as("connection %d is still served", i).startsWith("HTTP/1.1 200");
    }
    assertThat(server.idleConnections()).isLessThanOrEqualTo(3);
  }

  @Test
  void aKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    String addr = start("unix", limits(LONG, SHORT, LONG, 100));
    SocketChannel c = connect(addr);
    get(c, "/one");
    assertThat(closedByServer(c)).isTrue();
    assertThat(server.idleConnections()).isZero();
  }

  @Test
  void waitingConnectionsHoldNoBuffers() throws Exception {
    String addr = start("unix", HttpLimits.DEFAULTS);
    for (int i = 0; i < 50; i++) {
      get(connect(addr), "/" + i);
    }
    // the last answer is read before its connection gives its buffers back: wait for that, bounded
    for (int i = 0; i < 200 && (server.idleConnections() < 50 || server.buffersLent() > 0); i++) {
      Thread.sleep(10);
    }
    assertThat(server.idleConnections()).isEqualTo(50);
    assertThat(server.buffersLent()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"unix", "tcp"})
  void aLongStreamedResponseIsNotCut(String transport) throws Exception {
    // every limit far shorter than the 2 s the response takes; the client sends nothing meanwhile
    String addr = start(transport, limits(SHORT, SHORT, SHORT, 1));
    SocketChannel c = connect(addr);
    send(c, "GET /stream HTTP/1.1\r\nHost: t\r\n\r\n");
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    assertThat(readUntil(c, "\r\n0\r\n\r\n", seen)).as("the whole chunked stream").isTrue();
    for (int i = 0; i < 20; i++) {
      assertThat(seen.toString(StandardCharsets.ISO_8859_1)).contains("line " + i + "\n");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"unix", "tcp"})
  void aHijackedStreamIsNotCut(String transport) throws Exception {
    String addr = start(transport, limits(SHORT, SHORT, SHORT, 2));
    SocketChannel c = connect(addr);
    send(c, "POST /echo HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    assertThat(readUntil(c, "\r\n\r\n", seen)).isTrue();
    assertThat(seen.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 101");
    send(c, "first\n");
    assertThat(readUntil(c, "first\n", seen)).isTrue();
    Thread.sleep(1500); // silent for five times every limit, like an attached stdin
    // other clients come and go meanwhile: the idle cap (2) does not count the hijacked stream,
    // which is older than both
    get(connect(addr), "/other");
    get(connect(addr), "/another");
    send(c, "second\n");
    assertThat(readUntil(c, "second\n", seen)).as("the hijacked stream still echoes").isTrue();
  }
}
