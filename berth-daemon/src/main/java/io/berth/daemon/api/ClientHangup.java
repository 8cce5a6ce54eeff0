package io.berth.daemon.api;

import java.io.IOException;
import java.io.InputStream;

/**
 * Notices that the client of a long response hung up even while the response has nothing to
 * write (a followed log of a quiet service): a client sends nothing after its request, so a read
 * of the taken-over connection ends only when it closes, and then the responding thread is
 * interrupted, which ends what it waits on (the cluster's log subscription, on every node).
 * Closing this stops the interrupts and clears one that came too late to matter.
 */
final class ClientHangup implements AutoCloseable {
  private final Thread responder = Thread.currentThread();
  private boolean active = true;
  private volatile boolean hungUp;

  /** Watches {@code in}, the hijacked connection's input; the caller is the responding thread. */
  ClientHangup(InputStream in) {
    Thread.ofVirtual().name("client-hangup").start(() -> {
      try {
        while (in.read() >= 0) {
          // nothing a client sends after its request means anything here
        }
      } catch (IOException e) {
        // reset or closed: the client is gone either way
      }
      hungUp = true;
      synchronized (this) {
        if (active) {
          responder.interrupt();
        }
      }
    });
  }

  boolean hungUp() {
    return hungUp;
  }

  @Override
  public void close() {
    synchronized (this) {
      active = false;
    }
    if (Thread.currentThread() == responder) {
      Thread.interrupted();
    }
  }
}
