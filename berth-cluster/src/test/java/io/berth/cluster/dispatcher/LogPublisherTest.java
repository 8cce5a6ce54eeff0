package io.berth.cluster.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.agent.TaskLogEntry;
import io.berth.cluster.dispatcher.Messages.LogOptions;
import io.berth.cluster.dispatcher.Messages.LogSubscription;
import io.berth.cluster.dispatcher.Messages.PublishLogsCall;
import io.berth.cluster.dispatcher.Messages.PublishLogsReply;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The node's side of log subscriptions: only its own tasks, one run per subscription, stopped when it ends. */
class LogPublisherTest {
  private static final LogOptions ALL = new LogOptions(-1, 0, 0, false);
  private final Set<String> read = ConcurrentHashMap.newKeySet();
  private final BlockingQueue<PublishLogsCall> sent = new LinkedBlockingQueue<>();
  private final TaskLogSource hello = (task, q, sink) -> {
    read.add(task);
    sink.test(new TaskLogEntry(task, TaskLogEntry.Stream.STDOUT, Instant.now(),
        ("hello from " + task + "\n").getBytes(StandardCharsets.UTF_8)));
  };
  private LogPublisher publisher;

  @AfterEach
  void close() {
    publisher.close();
  }

  private PublishLogsCall next() throws InterruptedException {
    PublishLogsCall c = sent.poll(20, TimeUnit.SECONDS);
    assertThat(c).as("a batch within 20 s").isNotNull();
    return c;
  }

  @Test
  void readsOnlyTheTasksAssignedHereThenSaysDoneOnce() throws Exception {
    publisher = new LogPublisher(hello, call -> {
      sent.add(call);
      return new PublishLogsReply(false);
    });
    LogSubscription sub = new LogSubscription("s1", List.of("mine", "elsewhere"), ALL);

    publisher.serve(List.of(sub), Set.of("mine"));
    PublishLogsCall first = next();
    PublishLogsCall last = first.done() ? first : next();

    assertThat(read).containsExactly("mine");
    assertThat(first.lines()).singleElement().satisfies(l -> assertThat(l.taskId()).isEqualTo("mine"));
    assertThat(last.done()).isTrue();
    // still listed by the next session message: not read again
    publisher.serve(List.of(sub), Set.of("mine"));
    assertThat(sent.poll(300, TimeUnit.MILLISECONDS)).isNull();
    assertThat(read).hasSize(1);
  }

  @Test
  void aFollowedSubscriptionReadsTheTasksAddedToItEvenAfterItsFirstTasksEnded() throws Exception {
    publisher = new LogPublisher(hello, call -> {
      sent.add(call);
      return new PublishLogsReply(false);
    });
    LogOptions follow = new LogOptions(-1, 0, 0, true);
    publisher.serve(List.of(new LogSubscription("s1", List.of("first"), follow)), Set.of("first"));
    assertThat(next().lines()).singleElement().satisfies(l -> assertThat(l.taskId()).isEqualTo("first"));

    publisher.serve(List.of(new LogSubscription("s1", List.of("first", "second"), follow)), Set.of("first", "second"));

    PublishLogsCall more = next();
    assertThat(more.lines()).singleElement().satisfies(l -> assertThat(l.taskId()).isEqualTo("second"));
    assertThat(more.done()).as("a followed subscription never says done").isFalse();
    assertThat(read).containsExactlyInAnyOrder("first", "second");
  }

  @Test
  void aFollowedTaskWhoseContainerIsNotMadeYetIsWaitedFor() throws Exception {
    java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
    publisher = new LogPublisher((task, q, sink) -> {
      if (tries.incrementAndGet() < 3) {
        throw new io.berth.errdefs.NotFoundException("no container of task " + task);
      }
      hello.read(task, q, sink);
    }, call -> {
      sent.add(call);
      return new PublishLogsReply(false);
    });
    publisher.serve(List.of(new LogSubscription("s1", List.of("late"), new LogOptions(-1, 0, 0, true))), Set.of("late"));

    assertThat(next().lines()).singleElement().satisfies(l -> assertThat(l.taskId()).isEqualTo("late"));
    assertThat(tries.get()).isEqualTo(3);
  }

  @Test
  void aSubscriptionMissingFromTheSessionStopsItsReaders() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    publisher = new LogPublisher((task, q, sink) -> {
      started.countDown();
      try {
        new CountDownLatch(1).await(30, TimeUnit.SECONDS); // a followed, quiet log
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
    }, call -> new PublishLogsReply(false));

    publisher.serve(List.of(new LogSubscription("s1", List.of("t"), new LogOptions(-1, 0, 0, true))), Set.of("t"));
    assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
    publisher.serve(List.of(), Set.of("t"));

    assertThat(interrupted.await(20, TimeUnit.SECONDS)).as("the reader was stopped").isTrue();
    assertThat(publisher.running()).isZero();
  }
}
