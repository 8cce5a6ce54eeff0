package io.berth.client;

import java.io.IOException;
import java.nio.file.Path;

/** {@link TestServer} for tests outside this package: one canned reply per connection. */
public final class TestServerHandle implements AutoCloseable {
  private final TestServer server;

  public TestServerHandle(Path dir) throws IOException {
    server = new TestServer(dir);
  }

  public String uri() {
    return server.uri();
  }

  public void replyOnce(String response) {
    server.serve((req, in, out) -> TestServer.write(out, response));
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
