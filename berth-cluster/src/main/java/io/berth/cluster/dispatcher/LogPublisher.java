package io.berth.cluster.dispatcher;

import io.berth.cluster.agent.TaskLogEntry;
import io.berth.cluster.dispatcher.Messages.LogLine;
import io.berth.cluster.dispatcher.Messages.LogSubscription;
import io.berth.cluster.dispatcher.Messages.PublishLogsCall;
import io.berth.cluster.dispatcher.Messages.PublishLogsReply;
import io.berth.errdefs.NotFoundException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's end of log subscriptions (swarmkit's agent publisher): its session hands it the
 * subscriptions it should serve now, level-triggered; each new one reads the logs of the tasks it
 * names that are assigned to this node (never another's), one reader per task, into a bounded
 * queue, and one sender publishes batches to the manager. A subscription missing from the next
 * message, or answered "closed", stops its readers. One that finished is not started again while
 * the session still lists it, except that a followed one listing new tasks (the leader adds the
 * tasks made since it opened) reads those too; a followed task whose container is not made yet
 * is waited for, a bounded while.
 */
final class LogPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogPublisher.class);
  static final int QUEUE_LINES = 1024;
  static final int BATCH_LINES = 256;
  static final int BATCH_BYTES = 1 << 20;
  /** How long a sender waits for more lines before sending what it has. */
  static final long LINGER_MS = 100;
  /** How long a followed task's reader waits for its container to exist (an image may be pulled first). */
  static final long CONTAINER_WAIT_MS = 120_000;

  private final TaskLogSource source;
  private final Function<PublishLogsCall, PublishLogsReply> publish;
  private final Map<String, Run> runs = new HashMap<>();
  private boolean closed;

  /** {@code publish}: sends a batch to the manager of the moment (throws when there is none). */
  LogPublisher(TaskLogSource source, Function<PublishLogsCall, PublishLogsReply> publish) {
    this.source = source;
    this.publish = publish;
  }

  /** The subscriptions to serve now and the ids of the tasks assigned to this node. */
  synchronized void serve(List<LogSubscription> subscriptions, Set<String> assigned) {
    if (closed) {
      return;
    }
    Set<String> listed = new HashSet<>();
    for (LogSubscription s : subscriptions) {
      listed.add(s.id());
      List<String> mine = s.taskIds().stream().filter(assigned::contains).toList();
      Run run = runs.get(s.id());
      if (run == null) {
        runs.put(s.id(), new Run(s, mine).start());
      } else if (s.options().follow()) {
        List<String> fresh = mine.stream().filter(t -> !run.tasks.contains(t)).toList();
        if (!fresh.isEmpty() && !run.add(fresh)) {
          runs.put(s.id(), new Run(s, fresh).start()); // the earlier run ended with its containers
        }
      }
    }
    runs.entrySet().removeIf(e -> {
      if (listed.contains(e.getKey())) {
        return false;
      }
      e.getValue().stop();
      return true;
    });
  }

  synchronized int running() {
    return (int) runs.values().stream().filter(r -> !r.ended()).count();
  }

  @Override
  public synchronized void close() {
    closed = true;
    runs.values().forEach(Run::stop);
    runs.clear();
  }

  /** One subscription served here: a reader per task, one sender. */
  private final class Run {
    final LogSubscription sub;
    final Set<String> tasks = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final BlockingQueue<LogLine> queue = new ArrayBlockingQueue<>(QUEUE_LINES);
    final java.util.concurrent.atomic.AtomicInteger readers = new java.util.concurrent.atomic.AtomicInteger();
    final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile boolean stopped;
    volatile boolean ended;

    private final List<String> initial;

    Run(LogSubscription sub, List<String> tasks) {
      this.sub = sub;
      this.initial = List.copyOf(tasks);
    }

    Run start() {
      add(initial);
      threads.add(Thread.ofVirtual().name("log-sender-" + sub.id()).start(this::send));
      return this;
    }

    /** Starts readers for {@code more} tasks; false when the run has ended (its sender is gone). */
    synchronized boolean add(List<String> more) {
      if (ended) {
        return false;
      }
      for (String task : more) {
        if (tasks.add(task)) {
          readers.incrementAndGet();
          threads.add(Thread.ofVirtual().name("log-reader-" + task).start(() -> read(task)));
        }
      }
      return true;
    }

    /** The sender's way out: ends the run when nothing reads and nothing waits, atomically with {@link #add}. */
    synchronized boolean finishIfIdle() {
      if (readers.get() == 0 && queue.isEmpty()) {
        ended = true;
      }
      return ended;
    }

    private void read(String task) {
      try {
        long deadline = System.nanoTime() + CONTAINER_WAIT_MS * 1_000_000L;
        while (true) {
          try {
            source.read(task, sub.options().query(), this::put);
            return;
          } catch (NotFoundException e) {
            if (!sub.options().follow() || stopped || System.nanoTime() > deadline) {
              LOG.debug("log subscription {}: {}", sub.id(), e.getMessage()); // no container here (any more)
              return;
            }
            Thread.sleep(500); // a followed task placed here whose container is still being made
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.warn("log subscription {}: reading the log of task {}: {}", sub.id(), task, e.getMessage());
      } finally {
        readers.decrementAndGet();
      }
    }

    private boolean put(TaskLogEntry e) {
      LogLine line = new LogLine("", e.taskId(), e.stream() == TaskLogEntry.Stream.STDERR, Messages.nanos(e.time()),
          e.data());
      try {
        while (!stopped) {
          if (queue.offer(line, LINGER_MS, TimeUnit.MILLISECONDS)) {
            return true;
          }
        }
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
      return false;
    }

    private void send() {
      try {
        while (!stopped) {
          List<LogLine> batch = new ArrayList<>();
          LogLine first = queue.poll(LINGER_MS, TimeUnit.MILLISECONDS);
          boolean readersDone = readers.get() == 0;
          if (first != null) {
            batch.add(first);
            int bytes = first.data().length;
            for (LogLine l; batch.size() < BATCH_LINES && bytes < BATCH_BYTES && (l = queue.poll()) != null; ) {
              batch.add(l);
              bytes += l.data().length;
            }
          }
          boolean done = readersDone && queue.isEmpty() && !sub.options().follow();
          if ((!batch.isEmpty() || done) && publish.apply(new PublishLogsCall(sub.id(), batch, done)).closed()) {
            return;
          }
          if (done || (readersDone && finishIfIdle())) {
            return;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.info("log subscription {}: publishing to the manager failed: {}", sub.id(), e.getMessage());
      } finally {
        ended = true;
        stop();
      }
    }

    boolean ended() {
      return ended;
    }

    void stop() {
      stopped = true;
      threads.forEach(Thread::interrupt);
    }
  }
}
