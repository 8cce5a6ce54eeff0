package io.berth.cluster.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.dispatcher.Messages.LogFeed;
import io.berth.cluster.dispatcher.Messages.LogLine;
import io.berth.cluster.dispatcher.Messages.LogOptions;
import io.berth.cluster.dispatcher.Messages.LogSubscription;
import io.berth.cluster.dispatcher.Messages.PublishLogsCall;
import io.berth.cluster.dispatcher.Messages.SubscribeLogsCall;
import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.NodeStatus;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.cluster.state.ClusterState;
import io.berth.errdefs.ForbiddenException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The leader's log broker without the network: who is asked for what, who may publish, and when
 * a subscription ends. The gRPC path is {@link ServiceLogsOverDispatcherTest}.
 */
class LogBrokerTest {
  private static final LogOptions ALL = new LogOptions(-1, 0, 0, false);
  private final ClusterState state = new ClusterState(new MemoryClusterStore());
  private final Set<String> connected = new HashSet<>(Set.of("n1", "n2"));
  private final List<Collection<String>> refreshed = new ArrayList<>();
  private final LogBroker broker = new LogBroker(state, new LogBroker.Sessions() {
    @Override
    public boolean connected(String nodeId) {
      return connected.contains(nodeId);
    }

    @Override
    public void refresh(Collection<String> nodeIds) {
      refreshed.add(List.copyOf(nodeIds));
    }
  });

  @BeforeEach
  void cluster() {
    state.batch()
        .create(node("n1", NodeState.READY)).create(node("n2", NodeState.READY)).create(node("n3", NodeState.DOWN))
        .create(task("t1", "web", "n1")).create(task("t2", "web", "n2")).create(task("t3", "web", "n1"))
        .create(task("other", "db", "n2"))
        .apply();
  }

  private static Node node(String id, NodeState s) {
    return new Node(id, null, null, null, null, null, new NodeStatus(s, null, null));
  }

  private static Task task(String id, String service, String node) {
    Instant at = Instant.now();
    return new Task(id, null, at, at, TaskSpec.of(ContainerSpec.of("busybox:1")), service, 1, node,
        new TaskStatus(at, node.isEmpty() ? TaskState.PENDING : TaskState.RUNNING, "", null), TaskState.RUNNING, null);
  }

  private static LogLine line(String task, String text) {
    return new LogLine("forged", task, false, 1, text.getBytes(StandardCharsets.UTF_8));
  }

  private List<LogFeed> drainAll(BrokerSubscription sub) throws InterruptedException {
    List<LogFeed> feeds = new ArrayList<>();
    broker.drain(sub, feeds::add);
    return feeds;
  }

  @Test
  void eachNodeIsAskedForItsOwnTasksOfTheServiceOnly() {
    BrokerSubscription sub = broker.open(new SubscribeLogsCall("web", null, ALL));

    assertThat(broker.forNode("n1")).singleElement().satisfies(s -> {
      assertThat(s.id()).isEqualTo(sub.id);
      assertThat(s.taskIds()).containsExactlyInAnyOrder("t1", "t3");
    });
    assertThat(broker.forNode("n2")).singleElement().extracting(LogSubscription::taskIds).asList()
        .containsExactly("t2");
    assertThat(refreshed).singleElement().asList().containsExactlyInAnyOrder("n1", "n2");

    BrokerSubscription one = broker.open(new SubscribeLogsCall("web", "t2", ALL));
    assertThat(broker.forNode("n1")).hasSize(1);
    assertThat(broker.forNode("n2")).extracting(LogSubscription::id).containsExactlyInAnyOrder(sub.id, one.id);
  }

  @Test
  void linesOfEveryNodeReachTheSubscriberStampedWithThePublisherThenItEnds() throws Exception {
    BrokerSubscription sub = broker.open(new SubscribeLogsCall("web", null, ALL));
    assertThat(broker.publish("n1", new PublishLogsCall(sub.id, List.of(line("t1", "a"), line("t3", "b")), true))
        .closed()).isFalse();
    broker.publish("n2", new PublishLogsCall(sub.id, List.of(line("t2", "c")), false));
    broker.publish("n2", new PublishLogsCall(sub.id, List.of(), true));

    List<LogFeed> feeds = drainAll(sub);

    assertThat(feeds.stream().flatMap(f -> f.lines().stream()).map(l -> l.nodeId() + "/" + l.taskId()))
        .containsExactly("n1/t1", "n1/t3", "n2/t2");
    assertThat(feeds).allSatisfy(f -> assertThat(f.warning()).isNull());
    assertThat(broker.open()).isZero();
    assertThat(broker.forNode("n1")).isEmpty();
  }

  @Test
  void aNodeThatWasNotAskedOrSendsAnotherNodesTaskIsRefused() {
    BrokerSubscription sub = broker.open(new SubscribeLogsCall("web", "t2", ALL));

    assertThatThrownBy(() -> broker.publish("n1", new PublishLogsCall(sub.id, List.of(line("t1", "x")), false)))
        .isInstanceOf(ForbiddenException.class).hasMessageContaining("node n1 was not asked");
    BrokerSubscription all = broker.open(new SubscribeLogsCall("web", null, ALL));
    assertThatThrownBy(() -> broker.publish("n1", new PublishLogsCall(all.id, List.of(line("t2", "x")), false)))
        .isInstanceOf(ForbiddenException.class).hasMessageContaining("may not publish the log of task t2");
  }

  @Test
  void aNodeWithoutSessionOrDownAddsDockersWarningInsteadOfHoldingTheOthers() throws Exception {
    state.batch().create(task("t4", "web", "n3")).create(task("t5", "web", "")).apply();
    connected.remove("n2");
    BrokerSubscription sub = broker.open(new SubscribeLogsCall("web", null, ALL));
    assertThat(broker.forNode("n2")).isEmpty();
    assertThat(broker.forNode("n3")).isEmpty();
    broker.publish("n1", new PublishLogsCall(sub.id, List.of(line("t1", "a")), true));

    List<LogFeed> feeds = drainAll(sub);

    assertThat(feeds.getFirst().lines()).extracting(LogLine::taskId).containsExactly("t1");
    assertThat(feeds.getLast().warning()).startsWith(
            "warning: incomplete log stream. some logs could not be retrieved for the following reasons: ")
        .contains("task t5 has not been scheduled", "node n2 is not available", "node n3 is not available");
  }

  @Test
  void theSubscriberLeavingEndsTheSubscriptionForEveryNode() throws Exception {
    BrokerSubscription sub = broker.open(new SubscribeLogsCall("web", null, new LogOptions(-1, 0, 0, true)));
    broker.publish("n1", new PublishLogsCall(sub.id, List.of(line("t1", "a")), false));
    refreshed.clear();

    broker.drain(sub, feed -> false);

    assertThat(broker.forNode("n1")).isEmpty();
    assertThat(broker.forNode("n2")).isEmpty();
    assertThat(refreshed).singleElement().asList().containsExactlyInAnyOrder("n1", "n2");
    assertThat(broker.publish("n2", new PublishLogsCall(sub.id, List.of(line("t2", "b")), false)).closed()).isTrue();
  }

  @Test
  void aFollowedSubscriptionTakesInTasksPlacedAfterItOpened() throws Exception {
    BrokerSubscription sub = broker.open(new SubscribeLogsCall("web", null, new LogOptions(-1, 0, 0, true)));
    broker.publish("n2", new PublishLogsCall(sub.id, List.of(), true)); // n2 sent what it had
    refreshed.clear();
    state.batch().create(task("t4", "web", "n2")).create(task("t5", "web", "")).create(task("x", "db", "n1")).apply();

    broker.follow(sub);

    assertThat(refreshed).singleElement().asList().containsExactly("n2");
    assertThat(broker.forNode("n2")).singleElement().extracting(LogSubscription::taskIds).asList()
        .containsExactlyInAnyOrder("t2", "t4");
    broker.publish("n2", new PublishLogsCall(sub.id, List.of(line("t4", "new")), false));
    assertThat(sub.poll(java.time.Duration.ofSeconds(5))).singleElement()
        .satisfies(l -> assertThat(l.taskId()).isEqualTo("t4"));
    refreshed.clear();
    broker.follow(sub);
    assertThat(refreshed).as("nothing new: nobody told again").isEmpty();

    BrokerSubscription once = broker.open(new SubscribeLogsCall("web", null, ALL));
    state.batch().create(task("t6", "web", "n1")).apply();
    broker.follow(once);
    assertThat(broker.forNode("n1")).filteredOn(s -> s.id().equals(once.id)).singleElement()
        .extracting(LogSubscription::taskIds).asList().as("not following: the tasks of the moment only")
        .doesNotContain("t6");
  }

  @Test
  void aFollowedSubscriptionDoesNotEndWhenTheNodesHaveSentWhatTheyHad() throws Exception {
    BrokerSubscription sub = broker.open(new SubscribeLogsCall("web", null, new LogOptions(-1, 0, 0, true)));
    broker.publish("n1", new PublishLogsCall(sub.id, List.of(line("t1", "a")), true));
    broker.publish("n2", new PublishLogsCall(sub.id, List.of(), true));

    List<LogFeed> feeds = new ArrayList<>();
    broker.drain(sub, feed -> {
      feeds.add(feed);
      assertThat(sub.finished()).isFalse();
      return false; // the reader leaves after the first batch: the only way a followed read ends
    });

    assertThat(feeds).singleElement().extracting(f -> f.lines().size()).isEqualTo(1);
    assertThat(broker.forNode("n1")).isEmpty();
  }

  @Test
  void nodesThatStaySilentAreGivenUpOnWithAReasonUnlessFollowing() throws Exception {
    BrokerSubscription followed = broker.open(new SubscribeLogsCall("web", null, new LogOptions(-1, 0, 0, true)));
    followed.giveUpAfter(java.time.Duration.ZERO);
    assertThat(followed.waitingFor("n1")).isTrue();

    BrokerSubscription sub = broker.open(new SubscribeLogsCall("web", null, ALL));
    broker.publish("n1", new PublishLogsCall(sub.id, List.of(line("t1", "a")), true));
    sub.giveUpAfter(java.time.Duration.ZERO);

    List<LogFeed> feeds = drainAll(sub);
    assertThat(feeds.getLast().warning()).endsWith("node n2 sent no logs for 0 s");
  }

  @Test
  void aSubscriptionClosedUnderItsReaderDoesNotReadAsFinished() throws Exception {
    BrokerSubscription sub = broker.open(new SubscribeLogsCall("web", null, ALL));
    broker.closeAll(); // this manager stopped leading

    assertThat(broker.drain(sub, feed -> true)).isFalse();
    assertThat(broker.publish("n1", new PublishLogsCall(sub.id, List.of(line("t1", "a")), true)).closed()).isTrue();
  }
}
