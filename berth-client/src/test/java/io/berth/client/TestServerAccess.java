package io.berth.client;

import java.io.IOException;
import java.io.InputStream;

/** Lets tests in other packages read a request head the way {@link TestServer} does. */
public final class TestServerAccess {
  private TestServerAccess() {}

  public static String readHead(InputStream in) throws IOException {
    return TestServer.readHead(in);
  }
}
