package io.berth.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.http.HttpConnectionProbe;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.NotFoundException;
import org.junit.jupiter.api.Test;

class RouterTest {
  private final Router router = new Router()
      .add("GET", "/containers/{id}/json", (q, s) -> Json.send(s, 200, Json.object().put("id", q.param("id"))))
      .add("GET", "/images/{name*}/json", (q, s) -> Json.send(s, 200, Json.object().put("name", q.param("name"))))
      .add("DELETE", "/containers/{id}", (q, s) -> {
        throw new ConflictException("container is running");
      })
      .add("GET", "/missing/{id}", (q, s) -> {
        throw new NotFoundException("No such container: " + q.param("id"));
      })
      .add("POST", "/body", (q, s) -> Json.send(s, 200, Json.body(q)));

  @Test
  void stripsVersionAndMatchesParameters() {
    assertThat(HttpConnectionProbe.call(router, "GET /v1.47/containers/abc/json HTTP/1.1\r\n\r\n"))
        .startsWith("HTTP/1.1 200").contains("{\"id\":\"abc\"}");
    assertThat(HttpConnectionProbe.call(router, "GET /images/localhost:5000/a/b:1/json HTTP/1.1\r\n\r\n"))
        .contains("{\"name\":\"localhost:5000/a/b:1\"}");
  }

  @Test
  void refusesTooNewVersionsAndUnknownPaths() {
    assertThat(HttpConnectionProbe.call(router, "GET /v1.99/containers/a/json HTTP/1.1\r\n\r\n"))
        .startsWith("HTTP/1.1 400").contains("too new");
    assertThat(HttpConnectionProbe.call(router, "GET /nope HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 404");
    assertThat(HttpConnectionProbe.call(router, "POST /containers/a/json HTTP/1.1\r\n\r\n")).contains("405");
  }

  @Test
  void mapsErrorKindsToDockerStatusAndMessage() {
    assertThat(HttpConnectionProbe.call(router, "DELETE /containers/a HTTP/1.1\r\n\r\n"))
        .startsWith("HTTP/1.1 409").contains("{\"message\":\"container is running\"}");
    assertThat(HttpConnectionProbe.call(router, "GET /missing/x HTTP/1.1\r\n\r\n"))
        .startsWith("HTTP/1.1 404").contains("No such container: x");
    assertThat(HttpConnectionProbe.call(router, "POST /body HTTP/1.1\r\nContent-Length: 5\r\n\r\n{bad}"))
        .startsWith("HTTP/1.1 400").contains("invalid JSON");
    assertThat(HttpConnectionProbe.call(router, "POST /body HTTP/1.1\r\nContent-Length: 3\r\n\r\n[1]"))
        .startsWith("HTTP/1.1 400").contains("JSON object");
  }
}
