package io.berth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.http.StreamFrames;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiClientTest {
  @TempDir Path dir;

  @Test
  void decodesChunkedBodiesSplitAnywhere() throws Exception {
    try (TestServer s = new TestServer(dir)) {
      var done = s.serve((req, in, out) -> {
        TestServer.write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        TestServer.write(out, "6\r\n[{\"Id");
        TestServer.write(out, "\"\r\n");
        TestServer.write(out, "8;ext=1\r\n:\"abc\"}]\r");
        TestServer.write(out, "\n");
        TestServer.write(out, "0\r\n\r\n");
      });
      try (var r = new ApiClient(s.uri()).get("/containers/json?all=1")) {
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get(0).path("Id").asText()).isEqualTo("abc");
      }
      assertThat(done.get().head()).startsWith("GET /v1.47/containers/json?all=1 HTTP/1.1\r\n");
    }
  }

  /** Events and pull progress are printed as they arrive: a handler sees each message before the next is sent. */
  @Test
  void jsonMessageStreamsAreHandedOverAsTheyArrive() throws Exception {
    try (TestServer s = new TestServer(dir)) {
      java.util.concurrent.CompletableFuture<Void> seen = new java.util.concurrent.CompletableFuture<>();
      var done = s.serve((req, in, out) -> {
        TestServer.write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        TestServer.write(out, "c\r\n{\"status\":1}\r\n1\r\n\n\r\n");
        try {
          seen.get(10, java.util.concurrent.TimeUnit.SECONDS); // the rest only after the client handled the first
        } catch (Exception e) {
          return; // a client that waits for the whole stream never gets the rest, and fails below
        }
        TestServer.write(out, "d\r\n{\"status\":2}\n\r\nf\r\n\n{\"error\":\"x\"}\n\r\n0\r\n\r\n");
      });
      java.util.List<String> got = new java.util.ArrayList<>();
      try (var r = new ApiClient(s.uri()).get("/events")) {
        r.eachJsonLine(m -> {
          got.add(m.toString());
          seen.complete(null);
          return !m.has("status") || m.path("status").asInt() < 2;
        });
      }
      assertThat(got).containsExactly("{\"status\":1}", "{\"status\":2}");
      done.get();
    }
  }

  @Test
  void sendsJsonWithContentLengthAndReadsFixedBodies() throws Exception {
    try (TestServer s = new TestServer(dir)) {
      var done = s.serve((req, in, out) ->
          TestServer.write(out, "HTTP/1.1 201 Created\r\nContent-Length: 13\r\n\r\n{\"Id\":\"c1\"}\n\nignored"));
      try (var r = new ApiClient(s.uri()).post("/containers/create?name=web", Map.of("Image", "busybox"))) {
        assertThat(r.bytes()).asString().isEqualTo("{\"Id\":\"c1\"}\n\n");
      }
      var req = done.get();
      assertThat(req.head()).contains("Content-Type: application/json\r\n").contains("Content-Length: 19\r\n");
      assertThat(new String(req.body(), StandardCharsets.UTF_8)).isEqualTo("{\"Image\":\"busybox\"}");
    }
  }

  @Test
  void errorStatusCarriesTheDaemonsMessage() throws Exception {
    try (TestServer s = new TestServer(dir)) {
      s.serve((req, in, out) -> TestServer.write(out, "HTTP/1.1 404 Not Found\r\nContent-Length: 37\r\n\r\n"
          + "{\"message\":\"No such container: nope\"}"));
      assertThatThrownBy(() -> new ApiClient(s.uri()).get("/containers/nope/json"))
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.getMessage()).isEqualTo("No such container: nope");
          });
    }
  }

  @Test
  void hijackedStreamsAreDemultiplexedAndStdinHalfCloses() throws Exception {
    try (TestServer s = new TestServer(dir)) {
      var done = s.serve((req, in, out) -> {
        TestServer.write(out, "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n"
            + "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
        String stdin = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        byte[] a = TestServer.frame(1, "got " + stdin);
        byte[] b = TestServer.frame(2, "oops\n");
        // split the frames mid-header and mid-payload
        out.write(a, 0, 3);
        out.flush();
        out.write(a, 3, a.length - 3);
        out.write(b, 0, 9);
        out.flush();
        out.write(b, 9, b.length - 9);
      });
      ApiClient.Connection c = new ApiClient(s.uri()).hijack("/containers/x/attach?stream=1&stdin=1", null);
      c.out().write("hello\n".getBytes(StandardCharsets.UTF_8));
      c.out().flush();
      c.shutdownOutput().run();
      ByteArrayOutputStream stdout = new ByteArrayOutputStream();
      ByteArrayOutputStream stderr = new ByteArrayOutputStream();
      StreamFrames.demux(c.in(), stdout, stderr, false);
      c.close();
      assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo("got hello\n");
      assertThat(stderr.toString(StandardCharsets.UTF_8)).isEqualTo("oops\n");
      assertThat(done.get().head()).contains("Upgrade: tcp\r\n").contains("Connection: Upgrade\r\n");
    }
  }

  @Test
  void unreachableDaemonSaysWhere() {
    String uri = "unix://" + dir.resolve("none.sock");
    assertThatThrownBy(() -> new ApiClient(uri).get("/_ping"))
        .isInstanceOf(DaemonUnreachableException.class)
        .hasMessage("Cannot connect to the Berth daemon at " + uri + ". Is berthd running?");
  }
}
