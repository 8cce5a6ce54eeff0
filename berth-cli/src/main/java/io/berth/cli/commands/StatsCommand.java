package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.format.Units;
import io.berth.cli.session.Cli;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stats}: CPU, memory, network and block I/O per container, from the daemon's samples. */
@Command(name = "stats", description = "Display a live stream of container(s) resource usage statistics", mixinStandardHelpOptions = true)
final class StatsCommand extends Base {
  @Option(names = "--no-stream", description = "Disable streaming stats and only pull the first result") boolean noStream;
  @Option(names = "--format", description = "Format output using a Go template") String format;
  @Parameters(paramLabel = "CONTAINER", arity = "0..*") List<String> containers = new ArrayList<>();

  StatsCommand(Cli cli) {
    super(cli);
  }

  @Override
  public Integer call() throws Exception {
    List<String> ids = new ArrayList<>(containers);
    if (ids.isEmpty()) {
      api().get("/containers/json").json().forEach(c -> ids.add(c.path("Id").asText()));
    }
    do {
      List<JsonNode> rows = new ArrayList<>();
      for (String id : ids) {
        JsonNode s = api().get("/containers/" + enc(id) + "/stats?stream=false").json();
        rows.add(statsView(id, s));
      }
      if (!noStream && cli.stdoutIsTerminal()) {
        cli.out.print("\033[2J\033[H");
      }
      print(rows, format,
          "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}",
          r -> r, false, r -> "", STATS_HEADERS);
      if (!noStream) {
        Thread.sleep(1000);
      }
    } while (!noStream);
    return 0;
  }

  static JsonNode statsView(String id, JsonNode s) {
    ObjectNode v = obj();
    v.put("ID", shortId(s.path("id").asText(id)));
    v.put("Container", id);
    v.put("Name", s.path("name").asText().replaceFirst("^/", ""));
    double cpuDelta = s.path("cpu_stats").path("cpu_usage").path("total_usage").asDouble()
        - s.path("precpu_stats").path("cpu_usage").path("total_usage").asDouble();
    double sysDelta = s.path("cpu_stats").path("system_cpu_usage").asDouble()
        - s.path("precpu_stats").path("system_cpu_usage").asDouble();
    int cpus = Math.max(1, s.path("cpu_stats").path("online_cpus").asInt(1));
    double cpu = sysDelta > 0 && cpuDelta > 0 ? cpuDelta / sysDelta * cpus * 100 : 0;
    v.put("CPUPerc", String.format(java.util.Locale.ROOT, "%.2f%%", cpu));
    long used = s.path("memory_stats").path("usage").asLong() - s.path("memory_stats").path("stats")
        .path("total_inactive_file").asLong();
    long limit = s.path("memory_stats").path("limit").asLong();
    v.put("MemUsage", Units.binarySize(Math.max(0, used)) + " / " + Units.binarySize(limit));
    v.put("MemPerc", String.format(java.util.Locale.ROOT, "%.2f%%", limit > 0 ? used * 100.0 / limit : 0));
    v.put("PIDs", s.path("pids_stats").path("current").asText("0"));
    long rx = 0;
    long tx = 0;
    for (JsonNode n : s.path("networks")) {
      rx += n.path("rx_bytes").asLong();
      tx += n.path("tx_bytes").asLong();
    }
    v.put("NetIO", Units.size(rx, 3) + " / " + Units.size(tx, 3));
    long read = 0;
    long write = 0;
    for (JsonNode b : s.path("blkio_stats").path("io_service_bytes_recursive")) {
      String op = b.path("op").asText().toLowerCase(java.util.Locale.ROOT);
      read += op.equals("read") ? b.path("value").asLong() : 0;
      write += op.equals("write") ? b.path("value").asLong() : 0;
    }
    v.put("BlockIO", Units.size(read, 3) + " / " + Units.size(write, 3));
    return v;
  }
}
