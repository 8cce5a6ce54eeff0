package io.berth.daemon.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.http.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The assets over a real HTTP server and the JDK's client: headers as a browser sees them. */
class StaticAssetsTest {
  private final StaticAssets assets = new StaticAssets("io/berth/daemon/dashboard/testassets/",
      StaticAssetsTest.class.getClassLoader());
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpServer server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    server = new HttpServer((q, s) -> {
      if (!q.path().startsWith("/assets/") || !assets.serve(q.path().substring("/assets/".length()), q, s)) {
        s.send(404, null, new byte[0]);
      }
    });
    ServerSocket socket = new ServerSocket();
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    port = socket.getLocalPort();
    server.listenTcp(socket);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void appFilesAreRevalidatedAndVendoredOnesCachedForAYear() throws Exception {
    HttpResponse<String> index = get("/assets/index.html");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(index.headers().firstValue("Cache-Control")).contains("no-cache");
    assertThat(index.headers().firstValue("ETag")).isPresent();
    assertThat(index.body()).contains("<title>t</title>");
    HttpResponse<String> lib = get("/assets/vendor/lib-1.0.0/lib.module.js");
    assertThat(lib.headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");
    assertThat(lib.headers().firstValue("Cache-Control")).contains("public, max-age=31536000, immutable");
    assertThat(get("/assets/app.css").headers().firstValue("Content-Type")).contains("text/css; charset=utf-8");
  }

  @Test
  void anUnchangedFileAnswers304() throws Exception {
    String etag = get("/assets/app.css").headers().firstValue("ETag").orElseThrow();
    assertThat(get("/assets/app.css", "If-None-Match", etag).statusCode()).isEqualTo(304);
    assertThat(get("/assets/app.css", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
  }

  @Test
  void pathsOutsideTheAssetsOrWithoutAFileAreNotServed() throws Exception {
    for (String bad : new String[] {"%2e%2e/testassets/index.html", "vendor", "vendor/", "a//b.js", "nothere.js",
        "vendor/lib-1.0.0"}) {
      assertThat(get("/assets/" + bad).statusCode()).as(bad).isEqualTo(404);
    }
  }
}
