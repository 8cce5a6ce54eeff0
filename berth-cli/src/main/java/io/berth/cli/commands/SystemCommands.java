package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.format.Template;
import io.berth.cli.format.Timestamps;
import io.berth.cli.format.Units;
import io.berth.cli.session.Cli;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** version, info, events and system df. */
public final class SystemCommands {
  private SystemCommands() {}

  public static void register(CommandLine root, Cli cli) {
    Base.add(root, "version", new Version(cli));
    Base.add(root, "info", new Info(cli));
    Base.add(root, "events", new Events(cli));
    CommandLine system = new CommandLine(new Group());
    Base.add(system, "df", new Df(cli));
    Base.add(system, "info", new Info(cli));
    Base.add(system, "events", new Events(cli));
    root.addSubcommand("system", system);
  }

  @Command(name = "system", description = "Manage Berth", mixinStandardHelpOptions = true)
  public static final class Group implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
  }

  @Command(name = "version", description = "Show the Berth version information", mixinStandardHelpOptions = true)
  static final class Version extends Base {
    @Option(names = {"-f", "--format"}, description = "Format output using a Go template")
    String format;

    Version(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      JsonNode v = api().get("/version").json();
      if (format != null) {
        var o = obj();
        o.set("Client", obj().put("Version", io.berth.cli.session.Version.NUMBER).put("ApiVersion", "1.47")
            .put("Os", "linux"));
        o.set("Server", v);
        cli.out.println(new Template(format).render(o));
        return 0;
      }
      cli.out.println("Client:\n Version:           " + io.berth.cli.session.Version.NUMBER + "\n API version:       1.47");
      cli.out.println("\nServer: " + v.path("Platform").path("Name").asText());
      String berth = berthVersion(v);
      cli.out.println(" Engine:\n  Version:          " + (berth == null ? v.path("Version").asText()
          : berth + " (reported to Docker clients as " + v.path("Version").asText() + ")"));
      cli.out.println("  API version:      " + v.path("ApiVersion").asText() + " (minimum version "
          + v.path("MinAPIVersion").asText() + ")");
      cli.out.println("  OS/Arch:          " + v.path("Os").asText() + "/" + v.path("Arch").asText());
      cli.out.println("  Kernel:           " + v.path("KernelVersion").asText());
      return 0;
    }
  }

  /** Berth's own release from {@code /version}'s components, or null from another engine. */
  static String berthVersion(JsonNode version) {
    for (JsonNode c : version.path("Components")) {
      if (c.path("Name").asText().equals("Berth")) {
        return c.path("Version").asText();
      }
    }
    return null;
  }

  @Command(name = "info", description = "Display system-wide information", mixinStandardHelpOptions = true)
  static final class Info extends Base {
    @Option(names = {"-f", "--format"}, description = "Format output using a Go template")
    String format;

    Info(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      JsonNode i = api().get("/info").json();
      if (format != null) {
        cli.out.println(new Template(format).render(i));
        return 0;
      }
      cli.out.println("Server:");
      cli.out.println(" Containers: " + i.path("Containers").asInt());
      cli.out.println("  Running: " + i.path("ContainersRunning").asInt());
      cli.out.println("  Paused: " + i.path("ContainersPaused").asInt());
      cli.out.println("  Stopped: " + i.path("ContainersStopped").asInt());
      cli.out.println(" Images: " + i.path("Images").asInt());
      String berth = berthVersion(api().get("/version").json());
      cli.out.println(" Server Version: " + (berth == null ? i.path("ServerVersion").asText()
          : "Berth " + berth + " (Docker API of " + i.path("ServerVersion").asText() + ")"));
      cli.out.println(" Storage Driver: " + i.path("Driver").asText());
      cli.out.println(" Logging Driver: " + i.path("LoggingDriver").asText());
      cli.out.println(" Cgroup Driver: " + i.path("CgroupDriver").asText());
      cli.out.println(" Cgroup Version: " + i.path("CgroupVersion").asText());
      cli.out.println(" Default Runtime: " + i.path("DefaultRuntime").asText());
      cli.out.println(" Kernel Version: " + i.path("KernelVersion").asText());
      cli.out.println(" Operating System: " + i.path("OperatingSystem").asText());
      cli.out.println(" CPUs: " + i.path("NCPU").asInt());
      cli.out.println(" Total Memory: " + Units.binarySize(i.path("MemTotal").asLong()));
      cli.out.println(" Name: " + i.path("Name").asText());
      cli.out.println(" ID: " + i.path("ID").asText());
      cli.out.println(" Docker Root Dir: " + i.path("DockerRootDir").asText());
      cli.out.println(" Live Restore Enabled: " + i.path("LiveRestoreEnabled").asBoolean());
      return 0;
    }
  }

  @Command(name = "events", description = "Get real time events from the server", mixinStandardHelpOptions = true)
  static final class Events extends Base {
    @Option(names = "--since", description = "Show all events created since timestamp")
    String since;

    @Option(names = "--until", description = "Stream events until this timestamp")
    String until;

    @Option(names = {"-f", "--filter"}, description = "Filter output based on conditions provided")
    List<String> filters = List.of();

    @Option(names = "--format", description = "Format output using a Go template")
    String format;

    Events(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      Map<String, Object> q = new LinkedHashMap<>();
      java.time.Instant now = java.time.Instant.now();
      q.put("since", since == null ? null : Timestamps.toApi(since, now, java.time.ZoneId.systemDefault()));
      q.put("until", until == null ? null : Timestamps.toApi(until, now, java.time.ZoneId.systemDefault()));
      if (!filters.isEmpty()) {
        q.put("filters", Filters.json(filters));
      }
      try (var r = api().get("/events" + io.berth.client.ApiClient.query(q))) {
        boolean jsonLines = "json".equals(format);
        Template t = format == null || jsonLines ? null : new Template(format);
        r.eachJsonLine(e -> {
          if (jsonLines) {
            cli.out.println(JSON.writeValueAsString(e));
          } else if (t != null) {
            cli.out.println(t.render(e));
          } else {
            cli.out.println(eventLine(e, java.time.ZoneId.systemDefault()));
          }
          cli.out.flush();
          return true;
        });
      }
      return 0;
    }
  }

  private static final java.time.format.DateTimeFormatter EVENT_TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX");

  /** docker's default event line: fixed-width nanosecond time, type, action, id, sorted attributes. */
  static String eventLine(JsonNode e, java.time.ZoneId zone) {
    java.util.TreeMap<String, String> attrs = new java.util.TreeMap<>();
    e.path("Actor").path("Attributes").properties().forEach(a -> attrs.put(a.getKey(), a.getValue().asText()));
    StringBuilder sb = new StringBuilder();
    attrs.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append('=').append(v));
    long nanos = e.path("timeNano").asLong(e.path("time").asLong() * 1_000_000_000L);
    String time = java.time.Instant.ofEpochSecond(0, nanos).atZone(zone).format(EVENT_TIME);
    return time + " " + e.path("Type").asText() + " " + e.path("Action").asText() + " "
        + e.path("Actor").path("ID").asText() + (attrs.isEmpty() ? "" : " (" + sb + ")");
  }

  @Command(name = "df", description = "Show Berth disk usage", mixinStandardHelpOptions = true)
  static final class Df extends Base {
    Df(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      JsonNode d = api().get("/system/df").json();
      long images = 0;
      int activeImages = 0;
      for (JsonNode i : d.path("Images")) {
        images += i.path("Size").asLong();
        activeImages += i.path("Containers").asInt() > 0 ? 1 : 0;
      }
      long ctr = 0;
      int running = 0;
      for (JsonNode c : d.path("Containers")) {
        ctr += c.path("SizeRw").asLong();
        running += c.path("State").asText().equals("running") ? 1 : 0;
      }
      io.berth.cli.format.Table t = new io.berth.cli.format.Table();
      t.row("TYPE\tTOTAL\tACTIVE\tSIZE\tRECLAIMABLE");
      long imageReclaim = 0;
      for (JsonNode i : d.path("Images")) {
        imageReclaim += i.path("Containers").asInt() > 0 ? 0 : i.path("Size").asLong();
      }
      long ctrReclaim = 0;
      for (JsonNode c : d.path("Containers")) {
        ctrReclaim += c.path("State").asText().equals("running") ? 0 : c.path("SizeRw").asLong();
      }
      long vols = 0;
      long volReclaim = 0;
      int activeVols = 0;
      for (JsonNode v : d.path("Volumes")) {
        long size = Math.max(0, v.path("UsageData").path("Size").asLong());
        boolean used = v.path("UsageData").path("RefCount").asInt() > 0;
        vols += size;
        volReclaim += used ? 0 : size;
        activeVols += used ? 1 : 0;
      }
      t.row("Images\t" + d.path("Images").size() + "\t" + activeImages + "\t" + Units.size(images) + "\t"
          + reclaimable(imageReclaim, images));
      t.row("Containers\t" + d.path("Containers").size() + "\t" + running + "\t" + Units.size(ctr) + "\t"
          + reclaimable(ctrReclaim, ctr));
      t.row("Local Volumes\t" + d.path("Volumes").size() + "\t" + activeVols + "\t" + Units.size(vols) + "\t"
          + reclaimable(volReclaim, vols));
      t.row("Build Cache\t0\t0\t0B\t0B");
      t.print(cli.out);
      return 0;
    }

    /** docker's "1.2MB (50%)": the share is printed only when there is something to reclaim. */
    static String reclaimable(long part, long total) {
      return Units.size(part) + (total > 0 && part > 0 ? " (" + (long) (part * 100.0 / total) + "%)" : "");
    }
  }
}
