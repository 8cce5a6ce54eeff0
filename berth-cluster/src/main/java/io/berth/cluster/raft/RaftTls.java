package io.berth.cluster.raft;

import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import org.apache.ratis.grpc.GrpcTlsConfig;

/**
 * Mutual TLS for the Raft transport: this manager's key and certificate (a KeyManager) and the
 * cluster root it trusts (a TrustManager), as the cluster CA hands them out. Every connection,
 * server and client side, requires a certificate from that root, so a node of another cluster or a
 * worker without a manager certificate cannot take part. Checking the certificate's role (manager
 * rather than worker) is the TrustManager's job, which the CA package builds; host names are not
 * checked unless that TrustManager checks them (the JDK's does, the CA's does not). Its refusals
 * reach the peer as a "bad certificate" alert ({@link RefusalAlerts}).
 */
public record RaftTls(KeyManager keyManager, TrustManager trustManager) {
  public RaftTls {
    Objects.requireNonNull(keyManager, "keyManager");
    Objects.requireNonNull(trustManager, "trustManager");
  }

  GrpcTlsConfig grpc() {
    return new GrpcTlsConfig(keyManager, RefusalAlerts.wrap(trustManager), true);
  }
}
