package io.berth.cluster.dispatcher;

import io.berth.cluster.ca.NodeCertificate;
import io.berth.cluster.ca.NodeIdentity;
import io.berth.errdefs.UnauthorizedException;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The node on the other end of a call, from its TLS client certificate (whose chain the
 * handshake already checked against the cluster's roots): every RPC but fetching the root and
 * joining needs one, and the handlers act for this node id only. The listener asks for client
 * certificates without requiring them, because a joining node has none yet; this interceptor is
 * where "required" is enforced, per method.
 */
record Caller(NodeIdentity identity, NodeCertificate certificate, String address) {
  static final Context.Key<Caller> KEY = Context.key("berth-dispatcher-caller");
  /** The address the call came from, with or without a certificate (a joining node's Status.Addr). */
  static final Context.Key<String> REMOTE_ADDR = Context.key("berth-dispatcher-remote-addr");

  /** The caller of the current call (only inside a handler of a non-open method). */
  static Caller current() {
    Caller c = KEY.get();
    if (c == null) {
      throw new UnauthorizedException("this call needs a node certificate of this cluster");
    }
    return c;
  }

  String nodeId() {
    return identity.nodeId();
  }

  /** Puts the caller in the call's context, or closes calls without a certificate. */
  static final class Interceptor implements ServerInterceptor {
    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
        ServerCallHandler<Q, A> next) {
      String method = call.getMethodDescriptor().getFullMethodName();
      String addr = remoteAddress(call);
      Caller caller = of(call, addr);
      if (caller == null && !DispatcherMethods.OPEN.contains(method)) {
        call.close(Status.UNAUTHENTICATED.withDescription(
            "the dispatcher needs a node certificate of this cluster for " + method
                + "; join the swarm first"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      Context ctx = Context.current().withValue(KEY, caller).withValue(REMOTE_ADDR, addr);
      return Contexts.interceptCall(ctx, call, headers, next);
    }

    private static String remoteAddress(ServerCall<?, ?> call) {
      SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      return remote instanceof InetSocketAddress in && in.getAddress() != null ? in.getAddress().getHostAddress() : "";
    }

    private static Caller of(ServerCall<?, ?> call, String addr) {
      SSLSession ssl = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
      if (ssl == null) {
        return null;
      }
      Certificate[] chain;
      try {
        chain = ssl.getPeerCertificates();
      } catch (SSLPeerUnverifiedException e) {
        return null;
      }
      if (chain == null || chain.length == 0) {
        return null;
      }
      NodeCertificate cert = new NodeCertificate(Arrays.stream(chain).map(c -> (X509Certificate) c).toList());
      return new Caller(cert.identity(), cert, addr);
    }
  }
}
