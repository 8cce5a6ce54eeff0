package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.session.Cli;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth export}, {@code berth diff} and {@code berth update}, thin clients of the Engine API as docker's. */
final class ContainerFileCommands {
  private ContainerFileCommands() {}

  @Command(name = "export", description = "Export a container's filesystem as a tar archive", mixinStandardHelpOptions = true)
  static final class Export extends Base {
    @Option(names = {"-o", "--output"}, description = "Write to a file, instead of STDOUT") Path output;
    @Parameters(index = "0", paramLabel = "CONTAINER") String container;

    Export(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      if (output == null && cli.stdoutIsTerminal()) {
        throw new IllegalArgumentException("cowardly refusing to save to a terminal. Use the -o flag or redirect");
      }
      try (var r = api().get("/containers/" + enc(container) + "/export");
          OutputStream out = output == null ? cli.out : Files.newOutputStream(output)) {
        r.body().transferTo(out);
        out.flush();
      }
      return 0;
    }
  }

  @Command(name = "diff", description = "Inspect changes to files or directories on a container's filesystem",
      mixinStandardHelpOptions = true)
  static final class Diff extends Base {
    @Parameters(index = "0", paramLabel = "CONTAINER") String container;

    Diff(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      JsonNode changes = api().get("/containers/" + enc(container) + "/changes").json();
      for (JsonNode c : changes) {
        String kind = switch (c.path("Kind").asInt()) {
          case 0 -> "C";
          case 1 -> "A";
          default -> "D";
        };
        cli.out.println(kind + " " + c.path("Path").asText());
      }
      return 0;
    }
  }

  @Command(name = "update", description = "Update configuration of one or more containers", mixinStandardHelpOptions = true)
  static final class Update extends Base {
    @Option(names = "--blkio-weight", description = "Block IO (relative weight), between 10 and 1000, or 0 to disable") Integer blkioWeight;
    @Option(names = "--cpu-period", description = "Limit CPU CFS (Completely Fair Scheduler) period") Long cpuPeriod;
    @Option(names = "--cpu-quota", description = "Limit CPU CFS (Completely Fair Scheduler) quota") Long cpuQuota;
    @Option(names = "--cpu-rt-period", description = "Limit the CPU real-time period in microseconds") Long cpuRtPeriod;
    @Option(names = "--cpu-rt-runtime", description = "Limit the CPU real-time runtime in microseconds") Long cpuRtRuntime;
    @Option(names = {"-c", "--cpu-shares"}, description = "CPU shares (relative weight)") Long cpuShares;
    @Option(names = "--cpus", description = "Number of CPUs") String cpus;
    @Option(names = "--cpuset-cpus", description = "CPUs in which to allow execution (0-3, 0,1)") String cpusetCpus;
    @Option(names = "--cpuset-mems", description = "MEMs in which to allow execution (0-3, 0,1)") String cpusetMems;
    @Option(names = {"-m", "--memory"}, description = "Memory limit") String memory;
    @Option(names = "--memory-reservation", description = "Memory soft limit") String memoryReservation;
    @Option(names = "--memory-swap", description = "Swap limit equal to memory plus swap: -1 to enable unlimited swap") String memorySwap;
    @Option(names = "--pids-limit", description = "Tune container pids limit (set -1 for unlimited)") Long pidsLimit;
    @Option(names = "--restart", description = "Restart policy to apply when a container exits") String restart;
    @Parameters(arity = "1..*", paramLabel = "CONTAINER") List<String> containers;

    Update(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      ObjectNode b = body();
      List<String> errors = new ArrayList<>();
      List<String> warnings = new ArrayList<>();
      for (String c : containers) {
        try (var r = api().post("/containers/" + enc(c) + "/update", b)) {
          r.json().path("Warnings").forEach(w -> warnings.add(w.asText()));
          cli.out.println(c);
        } catch (io.berth.client.ApiException e) {
          errors.add("Error response from daemon: " + e.getMessage());
        }
      }
      if (!warnings.isEmpty()) {
        cli.out.println(String.join("\n", warnings));
      }
      if (!errors.isEmpty()) {
        cli.err.println(String.join("\n", errors));
        return 1;
      }
      return 0;
    }

    /** docker's UpdateConfig: every Resources field Berth knows, zero when not given, so nothing is ambiguous. */
    ObjectNode body() {
      ObjectNode b = obj();
      boolean any = false;
      b.put("BlkioWeight", blkioWeight == null ? 0 : blkioWeight);
      b.put("CpuPeriod", cpuPeriod == null ? 0 : cpuPeriod);
      b.put("CpuQuota", cpuQuota == null ? 0 : cpuQuota);
      b.put("CpuRealtimePeriod", cpuRtPeriod == null ? 0 : cpuRtPeriod);
      b.put("CpuRealtimeRuntime", cpuRtRuntime == null ? 0 : cpuRtRuntime);
      b.put("CpuShares", cpuShares == null ? 0 : cpuShares);
      b.put("CpusetCpus", cpusetCpus == null ? "" : cpusetCpus);
      b.put("CpusetMems", cpusetMems == null ? "" : cpusetMems);
      b.put("Memory", bytes(memory, "-m, --memory"));
      b.put("MemoryReservation", bytes(memoryReservation, "--memory-reservation"));
      b.put("MemorySwap", memorySwap != null && memorySwap.equals("-1") ? -1 : bytes(memorySwap, "--memory-swap"));
      b.put("NanoCpus", cpus == null ? 0 : ResourceFlags.nanoCpus(cpus));
      if (pidsLimit != null) {
        b.put("PidsLimit", pidsLimit);
      } else {
        b.putNull("PidsLimit");
      }
      ObjectNode rp = b.putObject("RestartPolicy");
      rp.put("Name", "").put("MaximumRetryCount", 0);
      if (restart != null) {
        ResourceFlags.restart(restart, rp);
      }
      for (Object o : new Object[] {blkioWeight, cpuPeriod, cpuQuota, cpuRtPeriod, cpuRtRuntime, cpuShares, cpus,
          cpusetCpus, cpusetMems, memory, memoryReservation, memorySwap, pidsLimit, restart}) {
        any |= o != null;
      }
      if (!any) {
        throw new IllegalArgumentException("you must provide one or more flags when using this command");
      }
      return b;
    }

    private static long bytes(String v, String flag) {
      return v == null ? 0 : ResourceFlags.bytes(v, flag);
    }
  }
}
