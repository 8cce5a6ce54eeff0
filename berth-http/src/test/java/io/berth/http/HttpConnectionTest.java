package io.berth.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpConnectionTest {
  private final List<String> seen = new ArrayList<>();

  private String serve(String raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    HttpHandler h = (q, s) -> {
      String body = new String(q.body().readAllBytes(), StandardCharsets.UTF_8);
      seen.add(q.method() + " " + q.path() + " " + q.query("a") + " " + body);
      s.send(200, "text/plain", "ok".getBytes());
    };
    new HttpConnection(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)), out, h, () -> { })
        .serve();
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void servesKeepAliveRequestsWithLengthAndChunkedBodies() {
    String out = serve("POST /x?a=1 HTTP/1.1\r\nHost: d\r\nContent-Length: 3\r\n\r\nabc"
        + "POST /y?a=2 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\n");
    assertThat(seen).containsExactly("POST /x 1 abc", "POST /y 2 hello");
    assertThat(out).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: 2\r\n");
  }

  @Test
  void expectContinueIsAnsweredBeforeTheBody() {
    String out = serve("POST /x?a=1 HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc");
    assertThat(seen).containsExactly("POST /x 1 abc");
    assertThat(out).startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n");
  }

  @Test
  void unreadBodyIsSkippedSoTheNextRequestParses() {
    HttpHandler h = (q, s) -> {
      seen.add(q.path());
      s.send(204, null, new byte[0]);
    };
    String raw = "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\n12345GET /b HTTP/1.1\r\n\r\n";
    new HttpConnection(new ByteArrayInputStream(raw.getBytes()), new ByteArrayOutputStream(), h, () -> { }).serve();
    assertThat(seen).containsExactly("/a", "/b");
  }

  @Test
  void malformedRequestsGet400() {
    assertThat(serve("GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400");
    assertThat(serve("POST / HTTP/1.1\r\nContent-Length: -4\r\n\r\n")).startsWith("HTTP/1.1 400");
    assertThat(serve("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")).contains("400");
    assertThat(serve("GET / HTTP/1.1\r\nX: " + "a".repeat(20000) + "\r\n\r\n")).startsWith("HTTP/1.1 400");
    assertThat(seen).isEmpty();
  }

  @Test
  void queryDecodingIsFormDecoding() {
    HttpRequest q = new HttpRequest("GET", "/images/json?filters=%7B%22a%22%3A1%7D&b=x+y%2Bz", java.util.Map.of(),
        java.io.InputStream.nullInputStream());
    assertThat(q.query("filters")).isEqualTo("{\"a\":1}");
    assertThat(q.query("b")).isEqualTo("x y+z");
  }
}
