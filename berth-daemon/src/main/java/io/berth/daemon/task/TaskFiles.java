package io.berth.daemon.task;

import io.berth.cluster.dispatcher.Messages.TaskPayload;
import io.berth.cluster.dispatcher.ReceivedPayloads;
import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.FileTarget;
import io.berth.cluster.model.Task;
import io.berth.errdefs.UnavailableException;
import io.berth.store.os.Syscalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's secrets and configs as files, the way Docker's executor makes them: a tmpfs of the
 * task's own under {@code <exec-root>/task-files/<task id>} (memory only: a payload never reaches
 * a disk, and a restart of berthd finds it still mounted for the containers it adopts), one file
 * per reference with its owner, group and mode, the tmpfs then made read-only; each file is
 * bind-mounted read-only into the container at its target. A secret's relative target is under
 * {@code /run/secrets}, a config's under {@code /}; absolute ones are taken as they are (Docker
 * 1.47 on Linux). The tmpfs goes when the task's container is removed.
 */
final class TaskFiles {
  private static final Logger LOG = LoggerFactory.getLogger(TaskFiles.class);
  private static final long MS_RDONLY = 1;
  private static final long MS_NOSUID = 2;
  private static final long MS_NODEV = 4;
  private static final long MS_NOEXEC = 8;
  private static final long MS_REMOUNT = 32;
  private static final long FLAGS = MS_NOSUID | MS_NODEV | MS_NOEXEC;

  /** One file for the container: where it is on this host, where it appears inside. */
  record Placed(String hostPath, String target) {}

  private final Path root;
  private final ReceivedPayloads payloads;

  TaskFiles(Path root, ReceivedPayloads payloads) {
    this.root = root;
    this.payloads = payloads;
  }

  /** Where a secret named {@code name} appears in the container. */
  static String secretTarget(String name) {
    return name.startsWith("/") ? name : "/run/secrets/" + name;
  }

  /** Where a config named {@code name} appears in the container. */
  static String configTarget(String name) {
    return name.startsWith("/") ? name : "/" + name;
  }

  /** Writes the task's files on their tmpfs (none when the task names no secret or config). */
  List<Placed> prepare(Task task) {
    ContainerSpec spec = task.spec().containerSpec();
    if (spec.secrets().isEmpty() && spec.configs().isEmpty()) {
      return List.of();
    }
    record Wanted(String kind, String name, Optional<TaskPayload> payload, FileTarget file, String target) {}
    List<Wanted> wanted = new ArrayList<>();
    spec.secrets().forEach(r -> wanted.add(new Wanted("secret", r.secretName(), payloads.secret(r.secretId()),
        r.file(), secretTarget(r.file().name()))));
    spec.configs().forEach(r -> wanted.add(new Wanted("config", r.configName(), payloads.config(r.configId()),
        r.file(), configTarget(r.file().name()))));
    for (Wanted w : wanted) {
      if (w.payload().isEmpty()) {
        // the managers send a task's payloads with the task; one missing was removed meanwhile
        throw new UnavailableException(w.kind() + " " + w.name() + " of task " + task.id()
            + " has not been delivered to this node");
      }
    }
    Path dir = root.resolve(task.id());
    release(task.id()); // a create tried again starts from nothing
    try {
      Files.createDirectories(dir);
      Syscalls.mount("tmpfs", dir.toString(), "tmpfs", FLAGS, "mode=0700");
      List<Placed> out = new ArrayList<>();
      int n = 0;
      for (Wanted w : wanted) {
        Path f = dir.resolve(w.kind() + "-" + n++);
        Files.write(f, w.payload().get().data());
        Files.setAttribute(f, "unix:uid", Integer.parseUnsignedInt(w.file().uid()));
        Files.setAttribute(f, "unix:gid", Integer.parseUnsignedInt(w.file().gid()));
        Files.setPosixFilePermissions(f, permissions(w.file().mode()));
        out.add(new Placed(f.toString(), w.target()));
      }
      Syscalls.mount("tmpfs", dir.toString(), "tmpfs", MS_REMOUNT | MS_RDONLY | FLAGS, "mode=0700");
      return out;
    } catch (IOException | RuntimeException e) {
      release(task.id());
      throw e instanceof IOException io ? new UncheckedIOException("writing the files of task " + task.id()
          + " in " + dir, io) : (RuntimeException) e;
    }
  }

  /** Unmounts and removes a task's tmpfs, if it has one. */
  void release(String taskId) {
    Path dir = root.resolve(taskId);
    if (!Files.exists(dir)) {
      return;
    }
    int errno = Syscalls.umount2(dir.toString(), Syscalls.MNT_DETACH);
    if (errno != 0 && errno != 22) { // EINVAL: not mounted
      LOG.warn("unmounting the files of task {} at {}: errno {}", taskId, dir, errno);
    }
    try (Stream<Path> inside = Files.list(dir)) {
      for (Path p : inside.toList()) {
        Files.deleteIfExists(p); // only when the tmpfs did not mount: nothing of it is on disk
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      LOG.warn("removing {}: {}", dir, e.toString());
    }
  }

  /** Removes the tmpfs of tasks that no longer have a container here (one removed while berthd was down). */
  void releaseAllBut(Set<String> taskIds) {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> dirs = Files.list(root)) {
      dirs.map(p -> p.getFileName().toString()).filter(id -> !taskIds.contains(id)).forEach(this::release);
    } catch (IOException e) {
      LOG.warn("listing {}: {}", root, e.toString());
    }
  }

  /** The low nine bits as POSIX permissions (Java sets no setuid, setgid or sticky bits). */
  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int bit = 0; bit < order.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        out.add(order[bit]);
      }
    }
    return out;
  }
}
