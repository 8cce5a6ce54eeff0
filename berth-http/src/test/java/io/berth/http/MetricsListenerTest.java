package io.berth.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The metrics listener: /metrics with the scrape's content type, 404 elsewhere, addresses checked by name. */
class MetricsListenerTest {
  @Test
  void servesTheScrapeAtMetricsOnlyAndNothingElse() throws Exception {
    try (MetricsListener l = MetricsListener.start("127.0.0.1:0", "--metrics-addr", () -> "berth_up 1\n",
        "text/plain; version=0.0.4; charset=utf-8")) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + l.port() + "/metrics"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
      assertThat(ok.body()).isEqualTo("berth_up 1\n");
      for (String path : new String[] {"/", "/v1.47/containers/json", "/metrics/x", "/_ping"}) {
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + l.port() + path))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).as(path).isEqualTo(404);
      }
      HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + l.port() + "/metrics"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  @Test
  void badAddressesAreRefusedNamingTheOption() {
    assertThatThrownBy(() -> MetricsListener.parse("localhost", "--metrics-addr"))
        .isInstanceOf(InvalidArgumentException.class).hasMessage("invalid --metrics-addr localhost: expected HOST:PORT, e.g. 127.0.0.1:9323");
    assertThatThrownBy(() -> MetricsListener.parse("127.0.0.1:http", "--metrics-addr"))
        .hasMessageContaining("the port must be a number from 0 to 65535");
    assertThatThrownBy(() -> MetricsListener.parse(":9323", "--metrics-addr")).hasMessageContaining("expected HOST:PORT");
    assertThat(MetricsListener.parse("[::1]:9323", "--metrics-addr").getPort()).isEqualTo(9323);
  }
}
