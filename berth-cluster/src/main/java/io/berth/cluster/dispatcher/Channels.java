package io.berth.cluster.dispatcher;

import io.berth.errdefs.InvalidArgumentException;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

/**
 * TLS channels from a node to a manager's dispatcher. The address is a swarm address
 * ({@code host:port}, {@code [v6]:port}); which server to trust (pinned roots while joining, the
 * cluster's managers after) and which certificate to present (none while joining) are the
 * caller's.
 */
final class Channels {
  private Channels() {}

  static ManagedChannel open(String address, KeyManager keyManager, TrustManager trustManager) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new InvalidArgumentException("manager address \"" + address + "\" is not host:port");
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("manager address \"" + address + "\" has no numeric port");
    }
    if (port < 1 || port > 65535) {
      throw new InvalidArgumentException("manager address \"" + address + "\": port out of range");
    }
    TlsChannelCredentials.Builder creds = TlsChannelCredentials.newBuilder().trustManager(trustManager);
    if (keyManager != null) {
      creds.keyManager(keyManager);
    }
    return Grpc.newChannelBuilderForAddress(host, port, creds.build())
        .maxInboundMessageSize(DispatcherMethods.MAX_MESSAGE_BYTES)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .build();
  }

  static void close(ManagedChannel channel) {
    if (channel == null) {
      return;
    }
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
