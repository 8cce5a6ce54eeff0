package io.berth.cli.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code lab down}: removes everything a lab's state names, whether the lab is whole, half made
 * by an {@code up} that failed or crashed, or left by dead nodes: the registry and berthds, every
 * process in the nodes' namespaces (conmons) and cgroups (containers), the mounts under the lab's
 * directory, the namespaces, veths and bridge (the nodes' nft tables and container bridges live
 * in their namespaces and go with them), the cgroups and the lab's directory.
 */
final class LabTeardown {
  private static final Path CGROUPS = Path.of("/sys/fs/cgroup");

  private LabTeardown() {}

  static void down(LabPaths paths, LabState lab) {
    // first what can start more: the berthds and the registry (found by their roots under the
    // lab's directory on their command lines, so also those that an up which crashed started
    // but did not record), with the conmons in the nodes' namespaces; then the containers, by
    // their cgroups
    Set<Long> first = new HashSet<>(LabProcess.naming("--data-root " + paths.dir() + "/"));
    first.addAll(LabProcess.naming("--storage " + paths.registryDir()));
    for (LabState.Node node : lab.nodes()) {
      HostCommand.Result r = HostCommand.run("ip", "netns", "pids", node.netns());
      if (r.exit() == 0) {
        HostCommand.lines(r.out()).forEach(p -> first.add(Long.parseLong(p.trim())));
      }
    }
    killAll(lab, first);
    Set<Long> containers = new HashSet<>();
    for (LabState.Node node : lab.nodes()) {
      cgroupDirs(node.cgroupParent()).forEach(g -> containers.addAll(procs(g)));
    }
    killAll(lab, containers);
    unmountUnder(paths.dir());
    LabNetwork.remove(lab);
    for (LabState.Node node : lab.nodes()) {
      removeCgroups(node.cgroupParent());
    }
    HostCommand.must("rm", "-rf", "--one-file-system", paths.dir().toString());
  }

  private static void killAll(LabState lab, Set<Long> pids) {
    pids.remove(ProcessHandle.current().pid());
    pids.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
    if (!Waits.until(Duration.ofSeconds(15), () -> pids.stream().allMatch(LabTeardown::gone))) {
      throw new LabException("processes of lab " + lab.name() + " did not end within 15s of SIGKILL: "
          + pids.stream().filter(p -> !gone(p)).toList());
    }
  }

  private static boolean gone(long pid) {
    try {
      return !Files.readString(Path.of("/proc/" + pid + "/status")).matches("(?s).*State:\\s+[RSDT].*");
    } catch (IOException e) {
      return true;
    }
  }

  /** Every cgroup directory at or below {@code parent}, in each hierarchy (v1 controllers and v2). */
  private static List<Path> cgroupDirs(String parent) {
    List<Path> tops = new ArrayList<>();
    if (Files.isDirectory(CGROUPS.resolve(parent))) {
      tops.add(CGROUPS.resolve(parent));
    }
    try (Stream<Path> hierarchies = Files.list(CGROUPS)) {
      hierarchies.map(h -> h.resolve(parent)).filter(Files::isDirectory).forEach(tops::add);
    } catch (IOException e) {
      throw new LabException("cannot list " + CGROUPS + ": " + e.getMessage());
    }
    List<Path> all = new ArrayList<>();
    for (Path top : tops) {
      try (Stream<Path> walk = Files.walk(top)) {
        walk.filter(Files::isDirectory).forEach(all::add);
      } catch (IOException e) {
        throw new LabException("cannot walk the cgroup " + top + ": " + e.getMessage());
      }
    }
    return all;
  }

  private static List<Long> procs(Path group) {
    try {
      return HostCommand.lines(Files.readString(group.resolve("cgroup.procs")).trim()).stream()
          .map(String::trim).map(Long::parseLong).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static void removeCgroups(String parent) {
    List<Path> dirs = new ArrayList<>(cgroupDirs(parent));
    dirs.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    for (Path d : dirs) {
      try {
        Files.deleteIfExists(d);
      } catch (IOException e) {
        throw new LabException("cannot remove the cgroup " + d + ": " + e.getMessage());
      }
    }
  }

  /** Lazily unmounts every mount below {@code dir} (container root file systems, the UTS files), deepest first. */
  private static void unmountUnder(Path dir) {
    List<String> points = new ArrayList<>();
    String prefix = dir.toAbsolutePath() + "/";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String point = unescape(line.split(" ")[4]);
        if (point.startsWith(prefix)) {
          points.add(point);
        }
      }
    } catch (IOException e) {
      throw new LabException("cannot read /proc/self/mountinfo: " + e.getMessage());
    }
    points.sort(Comparator.comparingInt(String::length).reversed());
    for (String p : points) {
      HostCommand.Result r = HostCommand.run("umount", "-l", p);
      if (r.exit() != 0 && !r.err().contains("not mounted")) {
        throw new LabException("cannot unmount " + p + ": " + r.err());
      }
    }
  }

  private static String unescape(String s) {
    return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
  }
}
