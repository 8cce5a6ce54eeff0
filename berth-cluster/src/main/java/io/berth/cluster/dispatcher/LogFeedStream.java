package io.berth.cluster.dispatcher;

import io.berth.cluster.model.NodeRole;
import io.berth.cluster.dispatcher.Messages.LogFeed;
import io.berth.cluster.dispatcher.Messages.SubscribeLogsCall;
import io.berth.errdefs.ForbiddenException;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's end of SubscribeLogs: opens the subscription for a calling manager and pumps its
 * batches into the gRPC stream on a thread of its own, sending only while the stream is ready
 * (so a slow reader holds the broker's bounded queue, and through it the nodes, instead of
 * gRPC's buffers growing). The subscriber cancelling the call ends the subscription everywhere.
 */
final class LogFeedStream {
  private static final Logger LOG = LoggerFactory.getLogger(LogFeedStream.class);

  private final LogBroker broker;

  LogFeedStream(LogBroker broker) {
    this.broker = broker;
  }

  /** Starts serving {@code call} from {@code caller} (managers only) into {@code out}. */
  void serve(Caller caller, SubscribeLogsCall call, ServerCallStreamObserver<LogFeed> out) {
    if (caller.identity().role() != NodeRole.MANAGER) {
      throw new ForbiddenException("node " + caller.nodeId() + " is not a manager: only managers read service logs");
    }
    BrokerSubscription sub = broker.open(call);
    Object ready = new Object();
    out.setOnReadyHandler(() -> {
      synchronized (ready) {
        ready.notifyAll();
      }
    });
    out.setOnCancelHandler(() -> {
      broker.close(sub);
      synchronized (ready) {
        ready.notifyAll();
      }
    });
    Thread.ofVirtual().name("log-subscription-" + sub.id).start(() -> {
      try {
        boolean ended = broker.drain(sub, feed -> {
          try {
            synchronized (ready) {
              while (!out.isReady() && !sub.closed() && !out.isCancelled()) {
                ready.wait(LogBroker.CHECK.toMillis());
              }
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
          if (sub.closed() || out.isCancelled()) {
            return false;
          }
          out.onNext(feed);
          return true;
        });
        if (out.isCancelled()) {
          return;
        }
        if (ended) {
          out.onCompleted();
        } else {
          out.onError(Status.UNAVAILABLE.withDescription("log subscription " + sub.id
              + " ended early: the manager stopped leading or the reader fell too far behind").asRuntimeException());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.debug("log subscription {} ended: {}", sub.id, e.toString());
        broker.close(sub);
      }
    });
  }
}
