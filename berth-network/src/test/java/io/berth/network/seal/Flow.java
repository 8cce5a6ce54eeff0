package io.berth.network.seal;

import io.berth.network.netlink.NetNamespaces;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One TCP connection between two namespaces, made from this process (a socket stays in the
 * namespace it was opened in): the client sends a repeated pattern that carries a marker
 * until told to stop or {@code limit} bytes, the server checks every byte it receives.
 */
final class Flow implements AutoCloseable {
  private static final int PATTERN = 512;

  final byte[] marker;
  final AtomicLong sent = new AtomicLong();
  final AtomicLong received = new AtomicLong();
  private final byte[] pattern = new byte[PATTERN];
  private final ServerSocketChannel server;
  private final SocketChannel client;
  private final SocketChannel accepted;
  private final Thread writer;
  private final Thread reader;
  private volatile boolean stop;
  private volatile String error;

  private Flow(String marker, Path serverNs, String address, int port, Path clientNs, long limit) throws Exception {
    this.marker = marker.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < PATTERN; i++) {
      pattern[i] = (byte) ('a' + i % 26);
    }
    System.arraycopy(this.marker, 0, pattern, 0, this.marker.length);
    InetSocketAddress at = new InetSocketAddress(address, port);
    server = NetNamespaces.inside(serverNs, () -> ServerSocketChannel.open().bind(at));
    client = NetNamespaces.inside(clientNs, SocketChannel::open);
    Thread connecting = Thread.ofVirtual().start(() -> {
      try {
        client.connect(at);
      } catch (IOException e) {
        error = "connecting to " + at + ": " + e;
      }
    });
    connecting.join(10_000);
    if (!client.isConnected()) {
      close();
      throw new AssertionError("no TCP connection to " + at + " within 10 s" + (error == null ? "" : ": " + error));
    }
    accepted = server.accept();
    writer = Thread.ofPlatform().daemon().start(() -> write(limit));
    reader = Thread.ofPlatform().daemon().start(this::read);
  }

  /** A flow of at most {@code limit} bytes from {@code clientNs} to {@code address:port} in {@code serverNs}. */
  static Flow start(String marker, Path serverNs, String address, int port, Path clientNs, long limit) throws Exception {
    return new Flow(marker, serverNs, address, port, clientNs, limit);
  }

  private void write(long limit) {
    ByteBuffer chunk = ByteBuffer.allocate(PATTERN * 128);
    for (int i = 0; i < 128; i++) {
      chunk.put(pattern);
    }
    try {
      while (!stop && sent.get() < limit) {
        int n = (int) Math.min(chunk.capacity(), limit - sent.get());
        chunk.clear().limit(n);
        while (chunk.hasRemaining()) {
          client.write(chunk);
        }
        sent.addAndGet(n); // chunks are whole patterns, so the next starts at the pattern's start
      }
      client.shutdownOutput();
    } catch (IOException e) {
      if (!stop) {
        error = "sending: " + e;
      }
    }
  }

  private void read() {
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    try {
      long at = 0;
      while (true) {
        buf.clear();
        int n = accepted.read(buf);
        if (n < 0) {
          return;
        }
        for (int i = 0; i < n; i++) {
          if (buf.get(i) != pattern[(int) ((at + i) % PATTERN)]) {
            error = "byte " + (at + i) + " differs from what was sent";
            return;
          }
        }
        at += n;
        received.set(at);
      }
    } catch (IOException e) {
      if (!stop) {
        error = "receiving: " + e;
      }
    }
  }

  /** Waits (bounded) until at least {@code bytes} arrived; false if they did not. */
  boolean awaitReceived(long bytes, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (received.get() < bytes && error == null && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return received.get() >= bytes;
  }

  /** Stops sending and waits (bounded) until the receiver saw the end; the error, if any. */
  String finish(long millis) throws InterruptedException {
    stop = true;
    writer.join(millis);
    reader.join(millis);
    if (error == null && reader.isAlive()) {
      error = "the receiver did not see the end within " + millis + " ms";
    }
    if (error == null && received.get() != sent.get()) {
      error = "sent " + sent.get() + " bytes, received " + received.get();
    }
    return error;
  }

  String error() {
    return error;
  }

  @Override
  public void close() throws IOException {
    stop = true;
    for (var c : new java.nio.channels.Channel[] {client, accepted, server}) {
      if (c != null) {
        c.close();
      }
    }
  }
}
