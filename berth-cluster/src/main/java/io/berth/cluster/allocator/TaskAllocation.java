package io.berth.cluster.allocator;

import io.berth.cluster.model.Endpoint;
import io.berth.cluster.model.Network;
import io.berth.cluster.model.NetworkAttachment;
import io.berth.cluster.model.NetworkAttachmentConfig;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.state.Plan;
import io.berth.errdefs.BerthException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Hands new tasks to the scheduler: a task still meant to run gets an address on each network it
 * joins (its spec's, and ingress when its service publishes through the mesh; an address it
 * already holds is kept), its service's allocated endpoint, and moves from new to pending. A task
 * that cannot be allocated stays new with the reason in its status ({@code Err}, written only when
 * it changes).
 */
final class TaskAllocation {
  private static final Comparator<Task> ORDER = Comparator
      .comparing((Task t) -> t.createdAt() == null ? Instant.EPOCH : t.createdAt())
      .thenComparing(Task::id);

  private TaskAllocation() {}

  static void pass(List<Task> tasks, Map<String, Service> services, Allocations a, Plan plan,
      Instant now) {
    for (Task t : tasks.stream().filter(TaskAllocation::waiting).sorted(ORDER).toList()) {
      if (plan.full()) {
        return;
      }
      if (t.isAttachment()) {
        AttachmentAllocation.allocate(t, a, plan, now);
        continue;
      }
      Service s = services.get(t.serviceId());
      if (s == null) {
        continue; // its service is gone: the orchestrator removes it
      }
      Endpoint endpoint = a.endpoints.get(s.id());
      if (endpoint != null && !endpoint.spec().equals(t.endpoint().spec())) {
        continue; // made from an older spec: the orchestrator replaces it
      }
      if (endpoint == null) {
        wait(t, t.networksAttachments(), a.problems.getOrDefault(s.id(), "service endpoint is not allocated yet"),
            plan, now);
        continue;
      }
      List<String> ids = new ArrayList<>(t.spec().networks().stream().map(NetworkAttachmentConfig::target).toList());
      if (Allocations.needsIngress(endpoint.ports())) {
        a.ingress().ifPresent(n -> ids.add(n.id()));
      }
      try {
        List<NetworkAttachment> attachments = attachments(t, ids, a);
        plan.update(t.allocated(attachments, endpoint, now));
      } catch (BerthException e) {
        wait(t, t.networksAttachments(), e.getMessage(), plan, now);
      }
    }
  }

  /** New, and still meant to run. */
  private static boolean waiting(Task t) {
    return t.status().state() == TaskState.NEW && t.desiredState().compareTo(TaskState.COMPLETE) <= 0;
  }

  static List<NetworkAttachment> attachments(Task t, List<String> ids, Allocations a) {
    List<NetworkAttachment> out = new ArrayList<>();
    List<String> taken = new ArrayList<>();
    try {
      for (String id : ids) {
        Optional<Network> n = a.allocated(id);
        if (n.isEmpty()) {
          throw new io.berth.errdefs.NotFoundException(a.networks.containsKey(id)
              ? "network " + a.networks.get(id).spec().name() + " is not allocated yet" : "network " + id + " not found");
        }
        Optional<NetworkAttachment> had = t.networksAttachments().stream()
            .filter(x -> x.network() != null && x.network().id().equals(id) && !x.addresses().isEmpty()).findFirst();
        String address;
        if (had.isPresent()) {
          address = had.get().addresses().getFirst();
        } else {
          address = a.spaces.get(id).take();
          taken.add(id + " " + address);
        }
        out.add(new NetworkAttachment(n.get(), List.of(address)));
      }
      return out;
    } catch (BerthException e) {
      for (String x : taken) {
        String[] p = x.split(" ");
        a.spaces.get(p[0]).release(p[1]);
      }
      throw e;
    }
  }

  static void wait(Task t, List<NetworkAttachment> attachments, String reason, Plan plan, Instant now) {
    if (!Objects.equals(t.status().err(), reason) || !attachments.equals(t.networksAttachments())) {
      plan.update(t.notAllocated(attachments, reason, now));
    }
  }
}
