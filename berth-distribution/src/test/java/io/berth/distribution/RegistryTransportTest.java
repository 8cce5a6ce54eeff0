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

  /**
   * Layers are pushed in parallel: a request that left without credentials while another learnt
   * of the registry's Basic challenge must still answer its own 401 with them (users saw
   * "authentication required to push" for the second layer of a built image).
   */
  @Test
  void parallelRequestsEachAnswerTheBasicChallenge() throws Exception {
    String basic = new Credentials("alice", "s3cret", null).basic();
    java.util.concurrent.CountDownLatch bothArrived = new java.util.concurrent.CountDownLatch(2);
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    server.createContext("/", ex -> {
      if (!basic.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        bothArrived.countDown();
        try {
          bothArrived.await(10, java.util.concurrent.TimeUnit.SECONDS); // both unauthenticated at once
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"test\"");
        ex.sendResponseHeaders(401, -1);
      } else {
        ex.sendResponseHeaders(200, -1);
      }
      ex.close();
    });
    server.start();
    try {
      String domain = "127.0.0.1:" + server.getAddress().getPort();
      RegistryTransport t = new RegistryTransport(domain, new Credentials("alice", "s3cret", null), true, null);
      var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      java.util.List<java.util.concurrent.Future<Integer>> statuses = new java.util.ArrayList<>();
      for (String path : new String[] {"/v2/a/blobs/uploads/", "/v2/a/blobs/sha256:1"}) {
        statuses.add(pool.submit(() -> t.send(HttpRequest.newBuilder(URI.create(t.root() + path)), "repository:a:push",
            HttpResponse.BodyHandlers.discarding()).statusCode()));
      }
      for (var f : statuses) {
        org.junit.jupiter.api.Assertions.assertEquals(200, f.get(20, java.util.concurrent.TimeUnit.SECONDS));
      }
      pool.shutdown();
    } finally {
      server.stop(0);
    }
  }
}
