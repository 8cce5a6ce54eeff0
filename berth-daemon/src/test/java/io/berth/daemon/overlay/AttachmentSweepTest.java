package io.berth.daemon.overlay;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.NetworkAttachmentConfig;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import io.berth.cluster.model.Version;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A node's attachments whose container is gone are given back after the grace period; one whose
 * container exists, or appears within the grace period (a create under way), is left alone.
 */
class AttachmentSweepTest {
  private static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");

  @Test
  void detachesOnlyContainersStillMissingAfterTheGracePeriod() {
    Set<String> here = ConcurrentHashMap.newKeySet();
    here.add("c-here");
    List<String> detached = new CopyOnWriteArrayList<>();
    AttachmentSweep sweep = new AttachmentSweep(here::contains, (c, n) -> detached.add(c + "@" + n),
        Duration.ofSeconds(60), false);
    long s = 1_000_000_000L;

    sweep.accept(List.of(attachment("t1", "c-here", "net1"), attachment("t2", "c-gone", "net1"),
        attachment("t3", "c-creating", "net2")));
    sweep.check(0);
    here.add("c-creating"); // its create finished within the grace period
    sweep.check(30 * s);
    assertThat(detached).as("within the grace period").isEmpty();
    sweep.check(60 * s);
    assertThat(detached).containsExactly("c-gone@net1");

    detached.clear();
    sweep.accept(List.of(attachment("t4", "c-later", "net1")));
    sweep.check(70 * s);
    sweep.accept(List.of());
    sweep.check(200 * s);
    assertThat(detached).as("an attachment no longer assigned is the managers' business").isEmpty();
    sweep.accept(List.of(attachment("t4", "c-later", "net1")));
    sweep.check(210 * s);
    assertThat(detached).as("listed again: its grace period starts again").isEmpty();
    sweep.check(270 * s);
    assertThat(detached).containsExactly("c-later@net1");
  }

  private static Task attachment(String id, String container, String network) {
    return new Task(id, Version.ZERO, AT, AT, TaskSpec.attachment(container, new NetworkAttachmentConfig(network,
        List.of(), null)), "", 0, "n1", new TaskStatus(AT, TaskState.ASSIGNED, "allocated", null), TaskState.RUNNING, null);
  }
}
