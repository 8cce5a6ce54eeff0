package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.commands.Base;
import io.berth.cli.format.Timestamps;
import io.berth.cli.session.Cli;
import io.berth.client.ApiClient;
import io.berth.client.ApiException;
import io.berth.http.StreamFrames;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code service logs SERVICE|TASK}: the daemon merges the tasks' logs from every node; each line
 * arrives with its details ({@code com.docker.swarm.node.id=...,...service.id=...,...task.id=...})
 * which, as in docker, become the {@code web.1.abc123def456@node1    | } prefix.
 */
@Command(name = "logs", description = "Fetch the logs of a service or task", mixinStandardHelpOptions = true)
final class ServiceLogs extends Base {
  @Option(names = {"-f", "--follow"}, description = "Follow log output") boolean follow;
  @Option(names = "--since", paramLabel = "string", description = "Show logs since timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)")
  String since;
  @Option(names = {"-n", "--tail"}, paramLabel = "string", description = "Number of lines to show from the end of the logs (default \"all\")")
  String tail = "all";
  @Option(names = {"-t", "--timestamps"}, description = "Show timestamps") boolean timestamps;
  @Option(names = "--no-resolve", description = "Do not map IDs to Names in output") boolean noResolve;
  @Option(names = "--no-trunc", description = "Do not truncate output") boolean noTrunc;
  @Option(names = "--no-task-ids", description = "Do not include task IDs in output") boolean noTaskIds;
  @Parameters(index = "0", paramLabel = "SERVICE|TASK") String target;

  ServiceLogs(Cli cli) {
    super(cli);
  }

  @Override
  public Integer call() throws Exception {
    String path;
    int padding = 1;
    boolean tty;
    try (ApiClient.Response r = api().get("/services/" + enc(target))) {
      JsonNode s = r.json();
      tty = s.path("Spec").path("TaskTemplate").path("ContainerSpec").path("TTY").asBoolean();
      JsonNode replicas = s.path("Spec").path("Mode").path("Replicated").path("Replicas");
      padding = replicas.isMissingNode() ? 1 : Long.toString(replicas.asLong()).length();
      path = "/services/" + enc(target) + "/logs";
    } catch (ApiException e) {
      if (e.status() != 404) {
        throw e;
      }
      JsonNode t;
      try (ApiClient.Response r = api().get("/tasks/" + enc(target))) {
        t = r.json();
      } catch (ApiException te) {
        throw te.status() == 404 ? new IllegalArgumentException("no such task or service: " + target) : te;
      }
      tty = t.path("Spec").path("ContainerSpec").path("TTY").asBoolean();
      padding = Integer.toString(t.path("Slot").asInt()).length();
      path = "/tasks/" + enc(target) + "/logs";
    }
    if (tty) {
      throw new IllegalArgumentException("tty service logs only supported with --raw");
    }
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("details", 1);
    q.put("follow", follow ? 1 : null);
    q.put("since", since == null ? null : Timestamps.toApi(since, Instant.now(), ZoneId.systemDefault()));
    q.put("stderr", 1);
    q.put("stdout", 1);
    q.put("tail", tail);
    q.put("timestamps", timestamps ? 1 : null);
    Prefixes prefixes = new Prefixes(new Names(api(), !noResolve), padding);
    try (ApiClient.Response r = api().get(path + ApiClient.query(q))) {
      StreamFrames.demux(r.body(), new Lines(cli.out, prefixes), new Lines(cli.err, prefixes), false);
    }
    return 0;
  }

  /** The {@code name.slot.id@node} prefix of a line's task, looked up once per task. */
  final class Prefixes {
    private final Names names;
    private final int padding;
    private final Map<String, String> cache = new HashMap<>();

    Prefixes(Names names, int padding) {
      this.names = names;
      this.padding = padding;
    }

    String of(Map<String, String> details) throws IOException {
      String node = details.get("com.docker.swarm.node.id");
      String service = details.get("com.docker.swarm.service.id");
      String task = details.get("com.docker.swarm.task.id");
      if (node == null || service == null || task == null) {
        throw new IOException("missing node, service or task id in log details: " + details);
      }
      String known = cache.get(task);
      if (known != null) {
        return known;
      }
      JsonNode t;
      try (ApiClient.Response r = api().get("/tasks/" + enc(task))) {
        t = r.json();
      }
      int slot = t.path("Slot").asInt();
      String name = names.service(service) + "." + slot;
      if (!noTaskIds) {
        name += "." + (noTrunc ? task : shortId(task));
      }
      String prefix = name + "@" + names.node(node) + " ".repeat(Math.max(0, padding - Integer.toString(slot).length()));
      cache.put(task, prefix);
      return prefix;
    }
  }

  /** One frame is one log line: rewritten with its task's prefix in place of the details. */
  final class Lines extends OutputStream {
    private final PrintStream out;
    private final Prefixes prefixes;

    Lines(PrintStream out, Prefixes prefixes) {
      this.out = out;
      this.prefixes = prefixes;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      String line = new String(b, off, len, StandardCharsets.UTF_8);
      String stamp = "";
      if (timestamps) {
        int sp = line.indexOf(' ');
        stamp = line.substring(0, sp + 1);
        line = line.substring(sp + 1);
      }
      int sp = line.indexOf(' ');
      if (sp < 0) {
        throw new IOException("invalid context in log message: " + line);
      }
      Map<String, String> details = details(line.substring(0, sp));
      out.print(stamp + prefixes.of(details) + "    | " + line.substring(sp + 1));
      out.flush();
    }
  }

  /** Docker's log details: {@code k=v} pairs joined by commas, each part URL-query-escaped. */
  static Map<String, String> details(String s) {
    Map<String, String> m = new LinkedHashMap<>();
    if (s.isEmpty()) {
      return m;
    }
    for (String kv : s.split(",")) {
      int eq = kv.indexOf('=');
      if (eq < 0) {
        continue;
      }
      m.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return m;
  }
}
