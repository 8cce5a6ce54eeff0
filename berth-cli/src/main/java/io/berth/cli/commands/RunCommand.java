package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.session.Cli;
import io.berth.cli.session.ExitCodes;
import io.berth.client.ApiClient;
import io.berth.client.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code run} and {@code create}: create (+ attach + wait + start) like docker run. */
public final class RunCommand {
  private RunCommand() {}

  public static void register(CommandLine root, Cli cli) {
    Base.add(root, "run", new Run(cli));
    Base.add(root, "create", new Create(cli));
  }

  static String create(Cli cli, ContainerOptions o, String image, List<String> cmd, boolean attach) throws Exception {
    ObjectNode body = o.body(image, cmd, attach, cli.env);
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("name", o.name);
    try (var r = cli.client().post("/containers/create" + ApiClient.query(q), body)) {
      JsonNode j = r.json();
      j.path("Warnings").forEach(w -> cli.err.println("WARNING: " + w.asText()));
      return j.path("Id").asText();
    } catch (ApiException e) {
      if (e.status() == 404 && e.getMessage().startsWith("No such image")) {
        cli.err.println("Unable to find image '" + image + "' locally");
      }
      throw e;
    }
  }

  /** Tells the daemon our terminal's size, as docker does right after start for {@code -t}. */
  static void resize(Cli cli, String path) {
    int[] size = Terminal.size();
    if (size == null) {
      return;
    }
    try {
      cli.client().post(path + "/resize?h=" + size[0] + "&w=" + size[1], null).close();
    } catch (java.io.IOException e) {
      // the container may already have exited: its output still matters more than its size
    }
  }

  @Command(name = "create", description = "Create a new container")
  static final class Create extends Base {
    @Option(names = "--help", usageHelp = true, description = "Print usage") boolean help;
    @Mixin ContainerOptions opts;
    @Parameters(index = "0", paramLabel = "IMAGE") String image;
    @Parameters(index = "1..*", paramLabel = "COMMAND") List<String> command = new ArrayList<>();

    Create(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      cli.out.println(create(cli, opts, image, command, false));
      return 0;
    }
  }

  @Command(name = "run", description = "Create and run a new container from an image")
  static final class Run extends Base {
    @Option(names = "--help", usageHelp = true, description = "Print usage") boolean help;
    @Mixin ContainerOptions opts;
    @Option(names = {"-d", "--detach"}, description = "Run container in background and print container ID") boolean detach;
    @Parameters(index = "0", paramLabel = "IMAGE") String image;
    @Parameters(index = "1..*", paramLabel = "COMMAND") List<String> command = new ArrayList<>();

    Run(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      if (opts.rm && opts.restart != null && !opts.restart.equals("no")) {
        throw new IllegalArgumentException("Conflicting options: --restart and --rm");
      }
      String id = create(cli, opts, image, command, !detach);
      if (detach) {
        try {
          api().post("/containers/" + id + "/start", null).close();
        } catch (ApiException e) {
          cli.err.println("berth: Error response from daemon: " + e.getMessage());
          return ExitCodes.forRunFailure(e.getMessage());
        }
        cli.out.println(id);
        return 0;
      }
      Attacher attacher = Attacher.open(cli, id, opts.interactive, opts.tty);
      String condition = opts.rm ? "removed" : "next-exit";
      // the daemon answers the wait's headers once the waiter is registered: only then start, or a
      // quick container (removed with --rm) could be gone before the wait arrives
      var waiting = api().post("/containers/" + id + "/wait?condition=" + condition, null);
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
        try (waiting) {
          return waiting.json().path("StatusCode").asInt();
        } catch (Exception e) {
          return -1;
        }
      });
      try {
        api().post("/containers/" + id + "/start", null).close();
      } catch (ApiException e) {
        attacher.close();
        cli.err.println("berth: Error response from daemon: " + e.getMessage());
        return ExitCodes.forRunFailure(e.getMessage());
      }
      if (opts.tty && cli.stdinIsTerminal()) {
        resize(cli, "/containers/" + id);
      }
      attacher.pump();
      return exit.join();
    }
  }
}
