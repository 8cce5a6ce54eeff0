package io.berth.http;

/** What the server calls for each request; the API router implements it. */
@FunctionalInterface
public interface HttpHandler {
  void handle(HttpRequest request, HttpResponse response) throws Exception;
}
