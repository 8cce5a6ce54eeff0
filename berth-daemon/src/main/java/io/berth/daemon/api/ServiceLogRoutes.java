package io.berth.daemon.api;

import io.berth.cluster.model.Service;
import io.berth.cluster.model.Task;
import io.berth.daemon.events.Timestamps;
import io.berth.daemon.swarm.ServiceLogs;
import io.berth.daemon.swarm.SwarmMembership;
import io.berth.daemon.swarm.SwarmUnavailableException;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import io.berth.runtime.LogEntry;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code docker service logs SERVICE|TASK}: the lines {@link ServiceLogs} gathers from the nodes,
 * written as Docker writes them: multiplexed frames (a service's tasks have no TTY in Berth),
 * {@code -t} timestamps and, with {@code details} (the CLI always asks), the
 * {@code com.docker.swarm.node.id/service.id/task.id} attributes the CLI turns into its
 * {@code NAME.SLOT.TASK@NODE |} prefix.
 */
public final class ServiceLogRoutes {
  /** moby's WriteLogStream prefix for an error inside a log stream. */
  private static final String GRABBING = "Error grabbing logs: ";
  private final ManagerAccess access;
  private final Optional<ServiceLogs> logs;

  public ServiceLogRoutes(Optional<SwarmMembership> swarm, Optional<ServiceLogs> logs, Clock clock) {
    this.access = new ManagerAccess(swarm, clock);
    this.logs = logs;
  }

  public void register(Router r) {
    r.add("GET", "/services/{id}/logs", (q, s) -> {
      Service svc = access.services().inspect(q.param("id"));
      stream(q, s, svc.id(), null);
    });
    r.add("GET", "/tasks/{id}/logs", (q, s) -> {
      Task t = access.tasks().inspect(q.param("id"));
      stream(q, s, t.serviceId(), t.id());
    });
  }

  private void stream(HttpRequest q, HttpResponse s, String serviceId, String taskId) throws Exception {
    ServiceLogs source = logs.orElseThrow(() -> new SwarmUnavailableException(
        "service logs are not available on this node: berthd runs without the cluster's log collection"));
    boolean stdout = q.flag("stdout");
    boolean stderr = q.flag("stderr");
    if (!stdout && !stderr) {
      throw new InvalidArgumentException("Bad parameters: you must choose at least one stream");
    }
    String tailQ = q.query("tail");
    int tail = tailQ == null || tailQ.isEmpty() || tailQ.equals("all") ? -1 : ContainerRoutes.parseInt(tailQ, "tail");
    Instant since = q.query("since") == null || q.query("since").equals("0") ? null : Timestamps.parse(q.query("since"));
    Instant until = q.query("until") == null || q.query("until").equals("0") ? null : Timestamps.parse(q.query("until"));
    boolean details = q.flag("details");
    ServiceLogs.Request request = new ServiceLogs.Request(serviceId, taskId, q.flag("follow"), since, until, tail,
        stdout, stderr);
    // a taken-over connection (the body ends when it closes) lets ClientHangup see the client leave
    HttpResponse.Hijacked h = s.hijack(false, "application/vnd.docker.multiplexed-stream");
    try (ClientHangup hangup = new ClientHangup(h.in());
        LogStream sink = new LogStream(h.out(), false, stdout, stderr, q.flag("timestamps"), null)) {
      try {
        source.stream(request, new ServiceLogs.Sink() {
          @Override
          public boolean accept(ServiceLogs.Line line) {
            byte[] data = details ? prefixed(line, serviceId) : line.data();
            return sink.accept(new LogEntry(line.stderr() ? LogEntry.Stream.STDERR : LogEntry.Stream.STDOUT,
                line.time(), data));
          }

          @Override
          public void caughtUp() {
            sink.caughtUp();
          }

          @Override
          public void incomplete(String warning) {
            sink.systemError(GRABBING + warning);
          }
        });
      } catch (InterruptedException e) {
        if (!hangup.hungUp()) {
          throw e;
        }
      } catch (BerthException | io.berth.daemon.swarm.SwarmUnavailableException e) {
        sink.systemError(GRABBING + e.getMessage()); // the response has begun: Docker reports it in the stream
      }
    }
  }

  /** Docker's details for a swarm task's line, before the message. */
  static byte[] prefixed(ServiceLogs.Line line, String serviceId) {
    TreeMap<String, String> attrs = new TreeMap<>();
    attrs.put("com.docker.swarm.node.id", line.nodeId());
    attrs.put("com.docker.swarm.service.id", serviceId);
    attrs.put("com.docker.swarm.task.id", line.taskId());
    byte[] head = LogStream.details(attrs);
    byte[] both = Arrays.copyOf(head, head.length + line.data().length);
    System.arraycopy(line.data(), 0, both, head.length, line.data().length);
    return both;
  }

}
