package io.berth.daemon.swarm;

import io.berth.cluster.agent.TaskLogQuery;
import io.berth.cluster.dispatcher.Leadership;
import io.berth.cluster.dispatcher.LogSubscriber;
import io.berth.cluster.dispatcher.Messages.LogFeed;
import io.berth.cluster.dispatcher.Messages.LogLine;
import io.berth.cluster.dispatcher.Messages.LogOptions;
import io.berth.cluster.dispatcher.Messages.SubscribeLogsCall;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * {@link ServiceLogs} over the cluster's log broker: this manager subscribes at the leader's
 * dispatcher, which asks every node holding one of the tasks for its lines over the node's
 * session (docs/design/cluster.md, "Service logs"). Reads the membership of the moment, so it
 * follows {@code swarm init/join/leave} and promotions without being rewired; a node that is not
 * an active manager answers Docker's 503.
 */
final class ClusterServiceLogs implements ServiceLogs {
  private final Supplier<Membership> membership;
  private final Clock clock;

  ClusterServiceLogs(Supplier<Membership> membership, Clock clock) {
    this.membership = membership;
    this.clock = clock;
  }

  @Override
  public void stream(Request request, Sink sink) throws InterruptedException {
    Membership m = membership.get();
    if (m.state() != LocalNodeState.ACTIVE || m.manager() == null) {
      throw m.state() == LocalNodeState.ACTIVE ? SwarmUnavailableException.notManager()
          : m.state() == LocalNodeState.LOCKED ? SwarmUnavailableException.locked() : SwarmUnavailableException.notInSwarm();
    }
    LogSubscriber subscriber = new LogSubscriber(m.manager().state(), Leadership.of(m.manager().store()),
        m.credentials(), clock);
    LogOptions options = LogOptions.of(new TaskLogQuery(request.tail(), request.since(), request.until(),
        request.follow()));
    subscriber.read(new SubscribeLogsCall(request.serviceId(), request.taskId(), options), feed -> deliver(feed, sink));
  }

  /** One feed to the sink, sent on at once (a followed log shows each batch as it comes). */
  private static boolean deliver(LogFeed feed, Sink sink) {
    for (LogLine l : feed.lines()) {
      if (!sink.accept(new Line(l.nodeId(), l.taskId(), l.stderr(), l.time(), l.data()))) {
        return false;
      }
    }
    if (feed.warning() != null) {
      sink.incomplete(feed.warning());
    }
    sink.caughtUp();
    return true;
  }
}
