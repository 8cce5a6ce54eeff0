package io.berth.cluster.raft;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.apache.ratis.grpc.GrpcUtil;
import org.apache.ratis.thirdparty.io.netty.buffer.ByteBufAllocator;

/**
 * Runs one TLS handshake in memory between engines made from the SslContexts Ratis builds for its
 * gRPC client and server (Netty's OpenSSL engine), so a test can read what the client is told
 * when the server refuses it, without sockets or timing.
 */
final class EngineHandshake {
  private static final int ROUNDS = 50;
  private final SSLEngine client;
  private final SSLEngine server;
  private final ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
  private final ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
  private final ByteBuffer app = ByteBuffer.allocate(1 << 17);

  EngineHandshake(RaftTls clientTls, RaftTls serverTls) {
    client = GrpcUtil.buildSslContextForClient(clientTls.grpc()).newEngine(ByteBufAllocator.DEFAULT, "127.0.0.1", 1);
    server = GrpcUtil.buildSslContextForServer(serverTls.grpc()).newEngine(ByteBufAllocator.DEFAULT);
  }

  /** The client's failure, or null when the handshake completed and the client heard no alert. */
  SSLException clientFailure() throws Exception {
    client.beginHandshake();
    server.beginHandshake();
    boolean serverFailed = false;
    for (int i = 0; i < ROUNDS; i++) {
      try {
        step(client, toClient, toServer);
      } catch (SSLException e) {
        return e;
      }
      if (!serverFailed) {
        try {
          step(server, toServer, toClient);
        } catch (SSLException e) {
          serverFailed = true; // its alert is still to be sent
        }
      }
      if (serverFailed) {
        app.clear();
        server.wrap(ByteBuffer.allocate(0), toClient);
      }
      if (done(client) && done(server) && toServer.position() == 0 && toClient.position() == 0) {
        return null;
      }
    }
    throw new IllegalStateException("the handshake neither completed nor failed in " + ROUNDS + " rounds");
  }

  private static boolean done(SSLEngine e) {
    return e.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING;
  }

  private void step(SSLEngine engine, ByteBuffer in, ByteBuffer out) throws SSLException {
    in.flip();
    app.clear();
    engine.unwrap(in, app);
    in.compact();
    runTasks(engine);
    engine.wrap(ByteBuffer.allocate(0), out);
    runTasks(engine);
  }

  private static void runTasks(SSLEngine engine) {
    for (Runnable t; (t = engine.getDelegatedTask()) != null; ) {
      t.run();
    }
  }
}
