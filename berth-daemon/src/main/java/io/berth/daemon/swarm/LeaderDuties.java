package io.berth.daemon.swarm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs what only the Raft leader may run (the orchestrators, the scheduler) while this manager
 * leads, and stops it when it no longer does. Leadership is polled rather than signalled: a
 * level-triggered loop that starts a little late loses nothing, and polling cannot miss a change
 * the way a lost callback can.
 */
final class LeaderDuties implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderDuties.class);
  private static final long POLL_MILLIS = 200;

  private final BooleanSupplier isLeader;
  private final List<Supplier<AutoCloseable>> duties;
  private final List<AutoCloseable> running = new ArrayList<>();
  private final Thread thread;
  private volatile boolean closed;

  LeaderDuties(BooleanSupplier isLeader, List<Supplier<AutoCloseable>> duties) {
    this.isLeader = isLeader;
    this.duties = List.copyOf(duties);
    this.thread = Thread.ofPlatform().daemon().name("swarm-leader-duties").unstarted(this::run);
  }

  LeaderDuties start() {
    thread.start();
    return this;
  }

  boolean leading() {
    synchronized (running) {
      return !running.isEmpty();
    }
  }

  private void run() {
    while (!closed) {
      boolean leader = isLeader.getAsBoolean();
      synchronized (running) {
        if (leader && running.isEmpty() && !closed) {
          LOG.info("this manager leads the swarm: starting {} leader loops", duties.size());
          for (Supplier<AutoCloseable> d : duties) {
            running.add(d.get());
          }
        } else if (!leader && !running.isEmpty()) {
          LOG.info("this manager no longer leads the swarm: stopping the leader loops");
          stopAll();
        }
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void stopAll() {
    for (AutoCloseable c : running.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("stopping a leader loop: {}", e.toString());
      }
    }
    running.clear();
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (running) {
      stopAll();
    }
  }
}
