package io.berth.distribution;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.errdefs.UnavailableException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class RegistryTransportTest {

  /** The JDK's HttpClient reports a refused connection with a null message; users saw "null". */
  @Test
  void aRegistryThatCannotBeReachedSaysWhy() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there now
    }
    String domain = "127.0.0.1:" + port;
    RegistryTransport t = new RegistryTransport(domain);
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(t.root() + "/v2/"));
    UnavailableException e = assertThrows(UnavailableException.class,
        () -> t.send(req, "registry:catalog:*", HttpResponse.BodyHandlers.discarding()));
    assertTrue(e.getMessage().startsWith("cannot reach registry " + domain + ": "), e.getMessage());
    assertFalse(e.getMessage().contains("null"), e.getMessage());
  }
}
