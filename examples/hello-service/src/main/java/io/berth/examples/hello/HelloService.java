package io.berth.examples.hello;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The example service: answers {@code GET /hello} with JSON naming the greeting from its
 * environment, the JVM it runs on and the container's host name, so a test can tell the answer
 * came from inside the image.
 */
public final class HelloService {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HelloService() {}

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/hello", HelloService::hello);
    server.start();
    System.out.println("hello-service listening on " + port);
  }

  private static void hello(HttpExchange x) throws IOException {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("greeting", System.getenv().getOrDefault("GREETING", "hi"));
    answer.put("java", Runtime.version().toString());
    answer.put("host", InetAddress.getLocalHost().getHostName());
    byte[] body = JSON.writeValueAsBytes(answer);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(200, body.length);
    x.getResponseBody().write(body);
    x.close();
  }
}
