package io.berth.cluster.allocator;

import io.berth.cluster.model.Endpoint;
import io.berth.cluster.model.NetworkAttachmentConfig;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.state.Plan;
import io.berth.errdefs.BerthException;
import java.time.Instant;
import java.util.List;

/**
 * Allocates a network attachment task (a plain container on an attachable swarm network): an
 * address on its spec's network, and, since it was made on its node and never goes through the
 * scheduler, the move straight on to assigned, where its node's view counts it.
 */
final class AttachmentAllocation {
  private AttachmentAllocation() {}

  static void allocate(Task t, Allocations a, Plan plan, Instant now) {
    List<String> ids = t.spec().networks().stream().map(NetworkAttachmentConfig::target).toList();
    try {
      Task pending = t.allocated(TaskAllocation.attachments(t, ids, a), Endpoint.NONE, now);
      plan.update(pending.withStatus(pending.status().moveTo(TaskState.ASSIGNED, "network attachment allocated",
          null, now)));
    } catch (BerthException e) {
      TaskAllocation.wait(t, t.networksAttachments(), e.getMessage(), plan, now);
    }
  }
}
