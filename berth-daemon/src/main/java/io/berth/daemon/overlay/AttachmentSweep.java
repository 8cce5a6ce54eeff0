package io.berth.daemon.overlay;

import io.berth.cluster.model.NetworkAttachmentConfig;
import io.berth.cluster.model.Task;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back the addresses of this node's attachments whose container is gone or does not run
 * (a container holds its address only while it runs): one removed or stopped while the node
 * could not reach the managers (its detach failed and was only logged), or lost between the
 * managers' answer and its start (a crash of berthd). The node's assignments list its attachment
 * tasks; one whose container is still missing a grace period after it was first seen missing
 * (its start may still be under way) is detached, as its exit or {@code docker rm} would have.
 */
public final class AttachmentSweep implements Consumer<List<Task>> {
  private static final Logger LOG = LoggerFactory.getLogger(AttachmentSweep.class);
  /** Far longer than an attach takes (the managers answer within 10 s). */
  public static final Duration GRACE = Duration.ofSeconds(60);

  private final Predicate<String> present;
  private final BiConsumer<String, String> detach;
  private final Duration grace;
  /** The attachment tasks of the last assignment set. */
  private volatile List<Task> latest = List.of();
  /** When each listed task's container was first seen missing (System.nanoTime). */
  private final Map<String, Long> missingSince = new ConcurrentHashMap<>();
  private final boolean ticking;
  private Thread ticker;

  /**
   * @param present whether a container id is one of this engine's that may hold addresses (it runs)
   * @param detach gives back a container's address on a network (container id, network id)
   * @param grace how long a container must stay missing; the check runs four times per period
   */
  public AttachmentSweep(Predicate<String> present, BiConsumer<String, String> detach, Duration grace) {
    this(present, detach, grace, true);
  }

  /** {@code ticking} false: only {@link #check} looks (the tests drive it with their own times). */
  AttachmentSweep(Predicate<String> present, BiConsumer<String, String> detach, Duration grace, boolean ticking) {
    this.present = present;
    this.detach = detach;
    this.grace = grace;
    this.ticking = ticking;
  }

  /** The node's whole assignment set (attachment tasks among the others); starts the periodic check. */
  @Override
  public void accept(List<Task> tasks) {
    latest = tasks.stream().filter(Task::isAttachment).toList();
    synchronized (this) {
      if (ticker == null && ticking) {
        // periodic, not only on new assignments: a container removed while the managers were out
        // of reach changes no assignment, and the session may come back without a new set
        ticker = Thread.ofVirtual().name("attachment-sweep").start(this::tick);
      }
    }
  }

  private void tick() {
    long period = Math.max(1, grace.toMillis() / 4);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(period);
        check(System.nanoTime());
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("attachment sweep: {}", e.getMessage());
      }
    }
  }

  /** One look at the last assignment set at {@code now}; package-private for the tests. */
  void check(long now) {
    List<Task> listed = latest;
    Set<String> ids = listed.stream().map(Task::id).collect(Collectors.toSet());
    missingSince.keySet().retainAll(ids);
    for (Task t : listed) {
      if (present.test(containerId(t))) {
        missingSince.remove(t.id());
        continue;
      }
      long since = missingSince.computeIfAbsent(t.id(), k -> now);
      if (now - since >= grace.toNanos()) {
        missingSince.remove(t.id()); // looked at again a period later if the managers still list it
        give(t);
      }
    }
  }

  private void give(Task t) {
    for (String network : t.spec().networks().stream().map(NetworkAttachmentConfig::target).toList()) {
      try {
        LOG.info("container {} is gone from this node: giving back its address on swarm network {}", containerId(t),
            network);
        detach.accept(containerId(t), network);
      } catch (RuntimeException e) {
        LOG.warn("address of container {} on swarm network {} not given back yet: {}", containerId(t), network,
            e.getMessage());
      }
    }
  }

  private static String containerId(Task t) {
    return t.spec().networkAttachmentSpec().containerId();
  }
}
