package io.berth.cli.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.format.Durations;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The flags {@code run} and {@code create} share, with docker's names, and their translation
 * into the Engine API's create body (Config + HostConfig). Bad values fail here with docker's
 * wording, before anything reaches the daemon.
 */
public final class ContainerOptions {
  @Option(names = "--name", description = "Assign a name to the container") String name;
  @Option(names = {"-e", "--env"}, description = "Set environment variables") List<String> env = new ArrayList<>();
  @Option(names = "--env-file", description = "Read in a file of environment variables") List<Path> envFiles = new ArrayList<>();
  @Option(names = {"-w", "--workdir"}, description = "Working directory inside the container") String workdir;
  @Option(names = {"-u", "--user"}, description = "Username or UID (format: <name|uid>[:<group|gid>])") String user;
  @Option(names = "--entrypoint", description = "Overwrite the default ENTRYPOINT of the image") String entrypoint;
  @Option(names = {"-h", "--hostname"}, description = "Container host name") String hostname;
  @Option(names = "--rm", description = "Automatically remove the container when it exits") boolean rm;
  @Option(names = "--restart", description = "Restart policy to apply when a container exits (default \"no\")") String restart;
  @Option(names = {"-p", "--publish"}, description = "Publish a container's port(s) to the host") List<String> publish = new ArrayList<>();
  @Option(names = {"-P", "--publish-all"}, description = "Publish all exposed ports to random ports") boolean publishAll;
  @Option(names = "--expose", description = "Expose a port or a range of ports") List<String> expose = new ArrayList<>();
  @Option(names = {"-v", "--volume"}, description = "Bind mount a volume") List<String> volumes = new ArrayList<>();
  @Option(names = "--mount", description = "Attach a filesystem mount to the container") List<String> mounts = new ArrayList<>();
  @Option(names = "--tmpfs", description = "Mount a tmpfs directory") List<String> tmpfs = new ArrayList<>();
  @Option(names = "--read-only", description = "Mount the container's root filesystem as read only") boolean readOnly;
  @Option(names = {"-m", "--memory"}, description = "Memory limit") String memory;
  @Option(names = "--cpus", description = "Number of CPUs") String cpus;
  @Option(names = "--pids-limit", description = "Tune container pids limit (set -1 for unlimited)") Long pidsLimit;
  @Option(names = "--cap-add", description = "Add Linux capabilities") List<String> capAdd = new ArrayList<>();
  @Option(names = "--cap-drop", description = "Drop Linux capabilities") List<String> capDrop = new ArrayList<>();
  @Option(names = "--privileged", description = "Give extended privileges to this container") boolean privileged;
  @Option(names = "--init", description = "Run an init inside the container that forwards signals and reaps processes") boolean init;
  @Option(names = "--security-opt", description = "Security Options") List<String> securityOpt = new ArrayList<>();
  @Option(names = "--cpuset-cpus", description = "CPUs in which to allow execution (0-3, 0,1)") String cpusetCpus;
  @Option(names = "--cpuset-mems", description = "MEMs in which to allow execution (0-3, 0,1)") String cpusetMems;
  @Option(names = {"-l", "--label"}, description = "Set meta data on a container") List<String> labels = new ArrayList<>();
  @Option(names = {"--network", "--net"}, description = "Connect a container to a network (bridge, host, none or a user-defined network)") String network;
  @Option(names = "--ip", description = "IPv4 address (e.g., 172.30.100.104) on the user-defined network") String ip;
  @Option(names = {"--network-alias", "--net-alias"}, description = "Add network-scoped alias for the container") List<String> networkAliases = new ArrayList<>();
  @Option(names = "--health-cmd", description = "Command to run to check health") String healthCmd;
  @Option(names = "--health-interval", description = "Time between running the check (ms|s|m|h)") String healthInterval;
  @Option(names = "--health-timeout", description = "Maximum time to allow one check to run (ms|s|m|h)") String healthTimeout;
  @Option(names = "--health-retries", description = "Consecutive failures needed to report unhealthy") Integer healthRetries;
  @Option(names = "--health-start-period", description = "Start period for the container to initialize (ms|s|m|h)") String healthStart;
  @Option(names = "--no-healthcheck", description = "Disable any container-specified HEALTHCHECK") boolean noHealthcheck;
  @Option(names = "--stop-signal", description = "Signal to stop the container") String stopSignal;
  @Option(names = "--stop-timeout", description = "Timeout (in seconds) to stop a container") Integer stopTimeout;
  @Option(names = {"-i", "--interactive"}, description = "Keep STDIN open even if not attached") boolean interactive;
  @Option(names = {"-t", "--tty"}, description = "Allocate a pseudo-TTY") boolean tty;
  @Option(names = "--dns", description = "Set custom DNS servers") List<String> dns = new ArrayList<>();
  @Option(names = "--add-host", description = "Add a custom host-to-IP mapping (host:ip)") List<String> addHost = new ArrayList<>();

  /** The create body for {@code image} and {@code command}. */
  ObjectNode body(String image, List<String> command, boolean attach) throws IOException {
    return body(image, command, attach, System.getenv());
  }

  /** As above; bare {@code -e NAME} values are looked up in {@code env}. */
  ObjectNode body(String image, List<String> command, boolean attach, java.util.Map<String, String> env)
      throws IOException {
    ObjectNode b = Base.obj();
    b.put("Image", image);
    if (hostname != null) {
      b.put("Hostname", hostname);
    }
    if (user != null) {
      b.put("User", user);
    }
    b.put("AttachStdin", interactive && attach);
    b.put("AttachStdout", attach);
    b.put("AttachStderr", attach);
    b.put("Tty", tty);
    b.put("OpenStdin", interactive);
    b.put("StdinOnce", interactive && attach);
    ArrayNode envs = b.putArray("Env");
    for (Path f : envFiles) {
      EnvFile.parse(f, env).forEach(envs::add);
    }
    for (String e : this.env) {
      envs.add(EnvFile.flag(e, env));
    }
    if (!command.isEmpty()) {
      ArrayNode c = b.putArray("Cmd");
      command.forEach(c::add);
    }
    if (entrypoint != null) {
      ArrayNode ep = b.putArray("Entrypoint");
      ep.add(entrypoint);
    }
    if (workdir != null) {
      b.put("WorkingDir", workdir);
    }
    ObjectNode exposed = b.putObject("ExposedPorts");
    ObjectNode labelsNode = b.putObject("Labels");
    for (String l : labels) {
      int eq = l.indexOf('=');
      labelsNode.put(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
    }
    if (stopSignal != null) {
      b.put("StopSignal", stopSignal);
    }
    if (stopTimeout != null) {
      b.put("StopTimeout", stopTimeout);
    }
    if (noHealthcheck) {
      b.putObject("Healthcheck").putArray("Test").add("NONE");
    } else if (healthCmd != null) {
      ObjectNode h = b.putObject("Healthcheck");
      h.putArray("Test").add("CMD-SHELL").add(healthCmd);
      if (healthInterval != null) {
        h.put("Interval", Durations.nanos(healthInterval, "--health-interval"));
      }
      if (healthTimeout != null) {
        h.put("Timeout", Durations.nanos(healthTimeout, "--health-timeout"));
      }
      if (healthStart != null) {
        h.put("StartPeriod", Durations.nanos(healthStart, "--health-start-period"));
      }
      if (healthRetries != null) {
        h.put("Retries", healthRetries);
      }
    }
    ObjectNode hc = b.putObject("HostConfig");
    ArrayNode binds = hc.putArray("Binds");
    volumes.forEach(binds::add);
    ArrayNode mountList = hc.putArray("Mounts");
    for (String m : mounts) {
      mountList.add(MountFlag.parse(m));
    }
    ObjectNode tmp = hc.putObject("Tmpfs");
    for (String t : tmpfs) {
      int colon = t.indexOf(':');
      tmp.put(colon < 0 ? t : t.substring(0, colon), colon < 0 ? "" : t.substring(colon + 1));
    }
    hc.put("NetworkMode", network == null ? "default" : network);
    if (ip != null || !networkAliases.isEmpty()) {
      String net = network == null ? "default" : network;
      ObjectNode ep = b.putObject("NetworkingConfig").putObject("EndpointsConfig").putObject(net);
      if (ip != null) {
        ep.putObject("IPAMConfig").put("IPv4Address", ip);
      }
      ArrayNode al = ep.putArray("Aliases");
      networkAliases.forEach(al::add);
    }
    ObjectNode bindings = hc.putObject("PortBindings");
    for (String p : publish) {
      PortFlag.add(p, exposed, bindings);
    }
    for (String e : expose) {
      PortFlag.expose(e, exposed);
    }
    hc.put("PublishAllPorts", publishAll);
    hc.put("AutoRemove", rm);
    ObjectNode rp = hc.putObject("RestartPolicy");
    if (restart != null) {
      String[] r = restart.split(":", 2);
      if (!List.of("no", "always", "on-failure", "unless-stopped").contains(r[0])) {
        throw new IllegalArgumentException("invalid restart policy: " + restart);
      }
      ResourceFlags.restart(restart, rp);
    } else {
      rp.put("Name", "no");
    }
    if (memory != null) {
      hc.put("Memory", ResourceFlags.bytes(memory, "-m, --memory"));
    }
    if (cpus != null) {
      hc.put("NanoCpus", ResourceFlags.nanoCpus(cpus));
    }
    if (pidsLimit != null) {
      hc.put("PidsLimit", pidsLimit);
    }
    ArrayNode ca = hc.putArray("CapAdd");
    capAdd.forEach(ca::add);
    ArrayNode cd = hc.putArray("CapDrop");
    capDrop.forEach(cd::add);
    ArrayNode so = hc.putArray("SecurityOpt");
    SecurityOptFlag.resolve(securityOpt).forEach(so::add);
    if (cpusetCpus != null) {
      hc.put("CpusetCpus", cpusetCpus);
    }
    if (cpusetMems != null) {
      hc.put("CpusetMems", cpusetMems);
    }
    hc.put("Privileged", privileged);
    hc.put("ReadonlyRootfs", readOnly);
    if (init) {
      hc.put("Init", true);
    }
    ArrayNode dnsNode = hc.putArray("Dns");
    dns.forEach(dnsNode::add);
    ArrayNode hosts = hc.putArray("ExtraHosts");
    addHost.forEach(hosts::add);
    return b;
  }
}
