package io.berth.client;

import java.io.IOException;

/** No daemon listens where the CLI looked; the message says where, as docker's does. */
public final class DaemonUnreachableException extends IOException {
  public DaemonUnreachableException(String host, IOException cause) {
    super("Cannot connect to the Berth daemon at " + host + ". Is berthd running?", cause);
  }
}
