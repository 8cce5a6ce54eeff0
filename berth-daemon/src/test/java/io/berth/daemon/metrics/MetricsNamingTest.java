package io.berth.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.daemon.api.Router;
import io.berth.daemon.container.Container;
import io.berth.http.HttpConnectionProbe;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The names and labels Prometheus sees: every series prefixed {@code berth_}, counters ending in
 * {@code _total}, units in names, and API requests labelled by route template (not raw path).
 */
class MetricsNamingTest {
  @Test
  void apiRequestsAreLabelledByTemplateMethodAndStatus() {
    DaemonMetrics metrics = new DaemonMetrics();
    ApiMeters api = new ApiMeters(metrics.registry());
    api.answered("GET", "/containers/{id}/json", 404, 1_000_000);
    api.answered("GET", "/containers/{id}/json", 404, 1_000_000);
    api.answered("BREW", Router.NO_ROUTE, 404, 1_000);
    String text = metrics.scrape();
    assertThat(text).contains(
        "berth_api_requests_total{method=\"GET\",route=\"/containers/{id}/json\",status=\"404\"} 2.0",
        "berth_api_requests_total{method=\"other\",route=\"other\",status=\"404\"} 1.0",
        "berth_api_request_duration_seconds_count{method=\"GET\",route=\"/containers/{id}/json\"} 2");
    assertThat(text).doesNotContain("BREW");
  }

  @Test
  void theRouterReportsTheTemplateNotThePath() {
    Router router = new Router();
    router.add("GET", "/containers/{id}/json", (q, s) -> s.send(200, "application/json", "{}".getBytes()));
    String[] seen = new String[3];
    router.observe((method, template, status, nanos) -> {
      seen[0] = method;
      seen[1] = template;
      seen[2] = Integer.toString(status);
    });
    assertThat(roundTrip(router, "GET /v1.47/containers/abc123/json")).startsWith("HTTP/1.1 200");
    assertThat(seen).containsExactly("GET", "/containers/{id}/json", "200");
    assertThat(roundTrip(router, "GET /nowhere/abc123")).startsWith("HTTP/1.1 404");
    assertThat(seen).containsExactly("GET", Router.NO_ROUTE, "404");
  }

  @Test
  void engineSeriesFollowPrometheusConventions() {
    DaemonMetrics metrics = new DaemonMetrics();
    new ApiMeters(metrics.registry()).answered("GET", "/_ping", 200, 1);
    var names = metrics.registry().getMeters().stream().map(m -> m.getId().getName()).toList();
    assertThat(names).allMatch(n -> n.startsWith("berth."));
    String text = metrics.scrape();
    Arrays.stream(text.split("\n")).filter(l -> l.startsWith("# TYPE ")).forEach(l -> {
      String[] f = l.split(" ");
      assertThat(f[2]).startsWith("berth_");
      if (f[3].equals("counter")) {
        assertThat(f[2]).endsWith("_total");
      }
    });
  }

  @Test
  void containerSeriesCarryIdNameAndImage() {
    Container c = new Container();
    c.id = "6a12acad9fd09dbb83052dec2761103d965702111f5dbf94dd32b4b046134c7c";
    c.name = "/web1";
    c.imageName = "it/busybox:1";
    assertThat(ContainerUsageMeters.labels(c).stream().map(t -> t.getKey() + "=" + t.getValue()))
        .containsExactly("id=" + c.id, "image=it/busybox:1", "name=web1");
  }

  private static String roundTrip(Router router, String requestLine) {
    return HttpConnectionProbe.call(router, requestLine + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  }
}
