package io.berth.cli.compose;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.session.Cli;
import io.berth.compose.ContainerBodies;
import io.berth.http.StreamFrames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code compose logs} (and {@code up} in the foreground): every container's log, each line
 * prefixed with the container's name and a bar, as docker compose prints them (or not, with
 * {@code --no-log-prefix}); with {@code follow} all streams are read side by side until they end.
 */
final class LogFollower {
  /**
   * What to read: {@code since}/{@code until} as the Engine API takes them (already converted
   * from docker's forms), null for no bound; {@code prefix} false for {@code --no-log-prefix}.
   */
  record Options(boolean follow, String tail, String since, String until, boolean timestamps, boolean prefix) {
    /** Everything, followed, prefixed: {@code up} in the foreground. */
    static Options followAll() {
      return new Options(true, "all", null, null, false, true);
    }
  }

  private final Cli cli;
  private final ProjectObjects objects;
  private final Options o;
  private final boolean follow;

  LogFollower(Cli cli, ProjectObjects objects, Options o) {
    this.cli = cli;
    this.objects = objects;
    this.o = o;
    this.follow = o.follow();
  }

  int follow(List<String> services) throws IOException, InterruptedException {
    List<JsonNode> cs = new ArrayList<>();
    for (JsonNode c : objects.containers(null, true, false)) {
      if (services.isEmpty() || services.contains(c.path("Labels").path(ContainerBodies.SERVICE).asText())) {
        cs.add(c);
      }
    }
    int width = cs.stream().mapToInt(c -> ProjectObjects.name(c).length()).max().orElse(0);
    List<Thread> readers = new ArrayList<>();
    for (JsonNode c : cs) {
      String prefix = o.prefix() ? String.format("%-" + width + "s | ", ProjectObjects.name(c)) : "";
      Runnable read = () -> read(c.path("Id").asText(), prefix);
      if (follow) {
        readers.add(Thread.ofVirtual().start(read));
      } else {
        read.run();
      }
    }
    for (Thread t : readers) {
      t.join();
    }
    return 0;
  }

  private void read(String id, String prefix) {
    String q = "?stdout=1&stderr=1&tail=" + java.net.URLEncoder.encode(o.tail(), StandardCharsets.UTF_8)
        + (follow ? "&follow=1" : "") + (o.timestamps() ? "&timestamps=1" : "")
        + (o.since() == null ? "" : "&since=" + java.net.URLEncoder.encode(o.since(), StandardCharsets.UTF_8))
        + (o.until() == null ? "" : "&until=" + java.net.URLEncoder.encode(o.until(), StandardCharsets.UTF_8));
    try (var r = cli.client().get("/containers/" + id + "/logs" + q)) {
      boolean tty = r.headers().getOrDefault("content-type", "").contains("raw-stream");
      OutputStream out = new Prefixer(prefix);
      InputStream body = r.body();
      StreamFrames.demux(body, out, out, tty);
      out.flush();
    } catch (IOException e) {
      cli.err.println(prefix + "(log stream ended: " + e.getMessage() + ")");
    }
  }

  /** Buffers bytes into lines and prints each whole line with the prefix, atomically. */
  private final class Prefixer extends OutputStream {
    private final String prefix;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    Prefixer(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        emit();
      } else {
        line.write(b);
      }
    }

    @Override
    public synchronized void flush() {
      if (line.size() > 0) {
        emit();
      }
    }

    private void emit() {
      String text = line.toString(StandardCharsets.UTF_8);
      line.reset();
      synchronized (cli.out) {
        cli.out.println(prefix + text);
      }
    }
  }
}
