package io.berth.daemon.task;

import io.berth.cluster.agent.ContainerExit;
import io.berth.cluster.agent.TaskContainer;
import io.berth.cluster.agent.TaskExecutor;
import io.berth.cluster.agent.TaskLogEntry;
import io.berth.cluster.agent.TaskLogQuery;
import io.berth.cluster.dispatcher.ReceivedPayloads;
import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.Task;
import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.container.ContainerStreams;
import io.berth.daemon.image.ImageService;
import io.berth.distribution.Credentials;
import io.berth.errdefs.NotFoundException;
import io.berth.oci.Reference;
import io.berth.runtime.LogEntry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The cluster agent's {@link TaskExecutor} over this engine's own services: a task's container is
 * an ordinary container of the container service (so {@code docker ps} shows it, as Docker does),
 * made from {@link TaskContainerSpec} and found again by its {@code com.docker.swarm.task.id}
 * label; images come through the image service's pull with the task's registry credentials;
 * exits are the container service's waiters; logs its log. Nothing here goes through the Engine
 * API's HTTP layer.
 */
public final class ContainerTaskExecutor implements TaskExecutor {
  private final ContainerService containers;
  private final ContainerStreams streams;
  private final ImageService images;
  private final String nodeId;
  private final TaskHealth health;
  private final TaskFiles files;
  /** This node as it describes itself to the managers: what {@code {{.Node.Hostname}}} and kin expand to. */
  private final java.util.function.Supplier<io.berth.cluster.model.NodeDescription> node;

  /** An executor for tasks without secrets or configs (their files would go under the temp directory). */
  public ContainerTaskExecutor(ContainerService containers, ContainerStreams streams, ImageService images,
      String nodeId) {
    this(containers, streams, images, nodeId, java.nio.file.Path.of(System.getProperty("java.io.tmpdir"),
        "berth-task-files"), new ReceivedPayloads(), () -> null);
  }

  /**
   * {@code nodeId}: this node's swarm id (the CN of its certificate), in names and labels;
   * {@code filesRoot}: where tasks' secret and config tmpfs mounts go; {@code payloads}: the
   * secrets and configs the managers sent this node; {@code node}: this node's description, for
   * the service templates ({@link TaskTemplates}).
   */
  public ContainerTaskExecutor(ContainerService containers, ContainerStreams streams, ImageService images,
      String nodeId, java.nio.file.Path filesRoot, ReceivedPayloads payloads,
      java.util.function.Supplier<io.berth.cluster.model.NodeDescription> node) {
    this.node = node;
    this.containers = containers;
    this.streams = streams;
    this.images = images;
    this.nodeId = nodeId;
    this.health = new TaskHealth(containers);
    this.files = new TaskFiles(filesRoot, payloads);
  }

  @Override
  public List<TaskContainer> containers() {
    List<Container> found = containers.list().stream()
        .filter(c -> c.labels().containsKey(TaskContainerSpec.TASK_ID)).toList();
    // adopted after a restart: an unhealthy turn still stops them
    found.stream().filter(c -> c.state.running() && c.state.health != null).forEach(c -> health.watch(c.id));
    files.releaseAllBut(found.stream().map(c -> c.labels().get(TaskContainerSpec.TASK_ID))
        .collect(java.util.stream.Collectors.toSet()));
    return found.stream().map(ContainerTaskExecutor::view).toList();
  }

  @Override
  public void pull(Task task) {
    ContainerSpec spec = task.spec().containerSpec();
    String image = spec.image();
    if (image.startsWith("sha256:") || image.matches("[a-f0-9]{64}")) {
      return; // an image id names nothing a registry has
    }
    Reference ref = Reference.parse(image);
    if (ref.digest() != null && present(image)) {
      return; // a digest names the same bytes wherever they come from
    }
    images.pull(ref, null, Credentials.fromHeader(spec.registryAuth()), (id, status, current, total) -> { });
  }

  private boolean present(String image) {
    try {
      images.get(image);
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  @Override
  public TaskContainer create(Task task) {
    TaskContainerSpec spec = TaskContainerSpec.of(task, nodeId, node.get()).withFiles(files.prepare(task));
    try {
      return view(containers.create(spec.name(), spec.createBody()));
    } catch (RuntimeException e) {
      files.release(task.id());
      throw e;
    }
  }

  @Override
  public TaskContainer start(String containerId) {
    containers.start(containerId);
    try {
      health.awaitHealthy(containerId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new io.berth.errdefs.UnavailableException("interrupted while container " + containerId
          + " became healthy");
    }
    return view(containers.get(containerId));
  }

  @Override
  public CompletableFuture<ContainerExit> exit(String containerId) {
    Container c = containers.get(containerId);
    return containers.waitFor(containerId, "not-running")
        .thenApply(code -> new ContainerExit(code, health.cause(containerId).isEmpty()
            ? c.state.error : health.cause(containerId)));
  }

  @Override
  public void stop(String containerId, Duration grace) {
    Integer seconds = grace == null ? null : (int) Math.min(Integer.MAX_VALUE, (grace.toMillis() + 999) / 1000);
    containers.stop(containerId, seconds, null);
  }

  @Override
  public void remove(String containerId) {
    String taskId;
    try {
      taskId = containers.get(containerId).labels().get(TaskContainerSpec.TASK_ID);
    } catch (NotFoundException gone) {
      // removed from outside the agent (docker rm, the dashboard): the removal is done, as swarmkit's
      // executor takes it; failing here would have the agent try again at once, for ever
      health.forget(containerId);
      return;
    }
    containers.remove(containerId, true, true); // anonymous volumes go with a task's container, as in Docker
    health.forget(containerId);
    if (taskId != null) {
      files.release(taskId); // the secrets and configs go with it
    }
  }

  @Override
  public void logs(String taskId, TaskLogQuery query, Predicate<TaskLogEntry> sink) throws InterruptedException {
    Container c = containers.list().stream().filter(x -> taskId.equals(x.labels().get(TaskContainerSpec.TASK_ID)))
        .findFirst().orElseThrow(() -> new NotFoundException("task " + taskId + " has no container on this node"));
    streams.logs(c, false).read(query.tail(), query.since(), query.until(), query.follow(),
        e -> sink.test(new TaskLogEntry(taskId, e.stream() == LogEntry.Stream.STDERR
            ? TaskLogEntry.Stream.STDERR : TaskLogEntry.Stream.STDOUT, e.time(), e.data())));
  }

  private static TaskContainer view(Container c) {
    TaskContainer.State state = switch (c.state.status()) {
      case CREATED -> TaskContainer.State.CREATED;
      case RUNNING, PAUSED, RESTARTING -> TaskContainer.State.RUNNING;
      case REMOVING, EXITED, DEAD -> TaskContainer.State.EXITED;
    };
    return new TaskContainer(c.labels().get(TaskContainerSpec.TASK_ID), c.id, c.name, state,
        state == TaskContainer.State.RUNNING ? c.state.pid : 0, c.state.exitCode);
  }
}
