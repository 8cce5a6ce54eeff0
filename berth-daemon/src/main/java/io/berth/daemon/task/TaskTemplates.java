package io.berth.daemon.task;

import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.Driver;
import io.berth.cluster.model.Mount;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.Task;
import io.berth.errdefs.InvalidArgumentException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Docker's service templates ({@code docker service create --hostname "{{.Node.Hostname}}-{{.Task.Slot}}"}),
 * expanded on the node just before the task's container is made, as swarmkit's agent does: in
 * environment values, the hostname, mount sources and targets, volume labels and driver options,
 * and network aliases. The placeholders are swarmkit's: {@code .Service.ID/Name/Labels},
 * {@code .Node.ID/Hostname/Platform.Architecture/Platform.OS}, {@code .Task.ID/Name/Slot}, and
 * {@code index .Service.Labels "KEY"}. Any other template action is refused, naming it, and so
 * fails the task with the reason rather than making a container with the text left in.
 */
final class TaskTemplates {
  private final Map<String, Object> root;

  private TaskTemplates(Map<String, Object> root) {
    this.root = root;
  }

  /** The values {@code task}'s templates see on the node {@code nodeId} described by {@code node}. */
  static TaskTemplates of(Task task, String taskName, String nodeId, NodeDescription node) {
    Map<String, Object> service = new LinkedHashMap<>();
    service.put("ID", task.serviceId() == null ? "" : task.serviceId());
    service.put("Name", task.serviceName() == null ? "" : task.serviceName());
    service.put("Labels", task.serviceAnnotations() == null ? Map.of() : task.serviceAnnotations().labels());
    Map<String, Object> platform = new LinkedHashMap<>();
    platform.put("Architecture", node == null || node.platform() == null ? "" : node.platform().architecture());
    platform.put("OS", node == null || node.platform() == null ? "" : node.platform().os());
    Map<String, Object> nodeFields = new LinkedHashMap<>();
    nodeFields.put("ID", nodeId);
    nodeFields.put("Hostname", node == null ? "" : node.hostname());
    nodeFields.put("Platform", platform);
    Map<String, Object> taskFields = new LinkedHashMap<>();
    taskFields.put("ID", task.id());
    taskFields.put("Name", taskName);
    taskFields.put("Slot", Long.toString(task.slot()));
    return new TaskTemplates(Map.of("Service", service, "Node", nodeFields, "Task", taskFields));
  }

  /** The spec with its templated fields expanded. */
  ContainerSpec expand(ContainerSpec spec) {
    List<String> env = new ArrayList<>();
    for (String e : spec.env()) {
      int eq = e.indexOf('=');
      env.add(eq < 0 ? e : e.substring(0, eq + 1) + expand(e.substring(eq + 1), "env " + e.substring(0, eq)));
    }
    List<Mount> mounts = new ArrayList<>();
    for (Mount m : spec.mounts()) {
      Mount.VolumeOptions vo = m.volumeOptions();
      if (vo != null) {
        Driver d = vo.driverConfig();
        vo = new Mount.VolumeOptions(vo.noCopy(), expand(vo.labels(), "volume label"), vo.subpath(),
            d == null ? null : new Driver(d.name(), expand(d.options(), "volume driver option")));
      }
      mounts.add(new Mount(m.type(), m.source() == null ? null : expand(m.source(), "mount source"),
          expand(m.target(), "mount target"), m.readOnly(), m.bindOptions(), vo, m.tmpfsOptions()));
    }
    String hostname = spec.hostname() == null ? null : expand(spec.hostname(), "hostname");
    return new ContainerSpec(spec.image(), spec.labels(), spec.command(), spec.args(), hostname, env, spec.dir(),
        spec.user(), mounts, spec.stopGracePeriod(), spec.pullOptions(), spec.healthcheck(), spec.tty(),
        spec.openStdin(), spec.readOnly(), spec.stopSignal(), spec.init(), spec.hosts(), spec.dnsConfig(),
        spec.groups(), spec.capabilityAdd(), spec.capabilityDrop(), spec.sysctls(), spec.ulimits(),
        spec.oomScoreAdj(), spec.secrets(), spec.configs());
  }

  private Map<String, String> expand(Map<String, String> values, String what) {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, expand(v, what + " " + k)));
    return out;
  }

  /** {@code text} with each {@code {{...}}} replaced; {@code what} names the field in errors. */
  String expand(String text, String what) {
    if (!text.contains("{{")) {
      return text;
    }
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int open = text.indexOf("{{", at);
      if (open < 0) {
        return out.append(text, at, text.length()).toString();
      }
      int close = text.indexOf("}}", open + 2);
      if (close < 0) {
        throw new InvalidArgumentException("expanding " + what + " failed: template \"" + text + "\" has an unclosed action");
      }
      out.append(text, at, open).append(action(text.substring(open + 2, close).strip(), what));
      at = close + 2;
    }
  }

  private String action(String action, String what) {
    if (action.matches("\\.[A-Za-z0-9_.]+")) {
      return print(field(action, what));
    }
    String[] words = action.split("\\s+", 3);
    if (words.length == 3 && words[0].equals("index") && words[1].startsWith(".") && words[2].length() >= 2
        && words[2].startsWith("\"") && words[2].endsWith("\"")) {
      Object map = field(words[1], what);
      String key = words[2].substring(1, words[2].length() - 1);
      // Go's index gives a missing key's zero value: the empty string
      return map instanceof Map<?, ?> m ? print(m.get(key) == null ? "" : m.get(key))
          : fail("{{" + action + "}}", what, words[1] + " is not a map");
    }
    return fail("{{" + action + "}}", what, "Berth's service templates take a field ({{.Node.Hostname}}) or "
        + "{{index .Service.Labels \"KEY\"}}");
  }

  private Object field(String path, String what) {
    Object at = root;
    for (String name : path.substring(1).split("\\.")) {
      if (!(at instanceof Map<?, ?> m) || !m.containsKey(name)) {
        return fail("{{" + path + "}}", what, "can't evaluate field " + name);
      }
      at = m.get(name);
    }
    return at;
  }

  private static String print(Object value) {
    if (value instanceof Map<?, ?> m) { // Go prints a map as map[k:v ...], keys sorted
      StringBuilder b = new StringBuilder("map[");
      new TreeMap<>(m).forEach((k, v) -> b.append(b.length() > 4 ? " " : "").append(k).append(':').append(v));
      return b.append(']').toString();
    }
    return String.valueOf(value);
  }

  private static String fail(String action, String what, String why) {
    throw new InvalidArgumentException("expanding " + what + " failed: template " + action + ": " + why);
  }
}
