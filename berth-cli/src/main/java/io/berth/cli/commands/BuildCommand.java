package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.build.context.DockerIgnore;
import io.berth.cli.Cli;
import io.berth.client.ApiClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth build}: tars the context (leaving out what {@code .dockerignore} excludes, but
 * always the Dockerfile and .dockerignore themselves), streams it to berthd's {@code /build} and
 * prints the build's output as docker's classic builder does.
 */
@Command(name = "build", mixinStandardHelpOptions = true, description = "Build an image from a Dockerfile")
public final class BuildCommand extends Base {
  @Option(names = {"-t", "--tag"}, description = "Name and optionally a tag (name:tag); repeatable") List<String> tags = new ArrayList<>();
  @Option(names = {"-f", "--file"}, description = "Name of the Dockerfile (default: PATH/Dockerfile)") String file;
  @Option(names = "--build-arg", description = "Set build-time variables (KEY=VALUE)") List<String> buildArgs = new ArrayList<>();
  @Option(names = "--target", description = "Set the target build stage to build") String target;
  @Option(names = "--no-cache", description = "Do not use cache when building the image") boolean noCache;
  @Option(names = "--label", description = "Set metadata for an image (KEY=VALUE)") List<String> labels = new ArrayList<>();
  @Option(names = "--platform", description = "Set platform (only linux/amd64)") String platform;
  @Option(names = "--network", description = "Set the networking mode for the RUN instructions during build (bridge, host, none)") String network;
  @Option(names = {"-q", "--quiet"}, description = "Suppress the build output and print image ID on success") boolean quiet;
  @Parameters(index = "0", paramLabel = "PATH", description = "The build context directory") Path context;

  BuildCommand(Cli cli) {
    super(cli);
  }

  static void register(CommandLine root, Cli cli) {
    Base.add(root, "build", new BuildCommand(cli));
  }

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(context)) {
      throw new IllegalArgumentException("unable to prepare context: path \"" + context + "\" not found");
    }
    Path root = context.toAbsolutePath().normalize();
    String dockerfile = "Dockerfile";
    if (file != null) {
      Path f = Path.of(file).toAbsolutePath().normalize();
      if (!f.startsWith(root)) {
        throw new IllegalArgumentException("the Dockerfile (" + file + ") must be within the build context");
      }
      dockerfile = root.relativize(f).toString();
    }
    String id = build(cli, root, dockerfile, tags, pairs(buildArgs, "--build-arg"), pairs(labels, "--label"),
        target, platform, network, noCache, quiet);
    if (quiet && id != null) {
      cli.out.println(id);
    }
    return id == null ? 1 : 0;
  }

  /**
   * Sends {@code root} (minus .dockerignore'd files) to the daemon's classic builder and prints
   * its output; returns the image id, or null when the build failed (the error was printed).
   */
  public static String build(Cli cli, Path root, String dockerfile, List<String> tags, Map<String, String> args,
      Map<String, String> labels, String target, String platform, String network, boolean noCache, boolean quiet)
      throws Exception {
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("t", tags);
    q.put("dockerfile", dockerfile);
    q.put("buildargs", JSON.writeValueAsString(args));
    q.put("labels", JSON.writeValueAsString(labels));
    q.put("target", target);
    q.put("platform", platform);
    q.put("networkmode", network);
    if (noCache) {
      q.put("nocache", "1");
    }
    if (quiet) {
      q.put("q", "1");
    }
    Path ignoreFile = root.resolve(".dockerignore");
    DockerIgnore ignore = Files.exists(ignoreFile) ? DockerIgnore.parse(Files.readString(ignoreFile)) : DockerIgnore.none();
    PipedInputStream in = new PipedInputStream(1 << 20);
    PipedOutputStream pipe = new PipedOutputStream(in);
    String df = dockerfile;
    Thread writer = Thread.ofVirtual().start(() -> {
      try (pipe) {
        tar(root, ignore, df, pipe);
      } catch (IOException ignored) {
        // the daemon stopped reading; its answer says why
      }
    });
    String id = null;
    boolean failed = false;
    try (var r = cli.client().send("POST", "/build" + ApiClient.query(q), in, "application/x-tar", Map.of())) {
      for (JsonNode line : Progress.lines(r.body())) {
        if (line.has("stream")) {
          cli.out.print(line.path("stream").asText());
          cli.out.flush();
        } else if (line.has("aux")) {
          id = line.path("aux").path("ID").asText();
        } else if (line.has("error")) {
          cli.err.println(line.path("error").asText());
          failed = true;
        }
      }
    }
    writer.join();
    return failed ? null : id;
  }

  private static Map<String, String> pairs(List<String> list, String flag) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kv : list) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        String env = System.getenv(kv);
        if (eq < 0 && env != null) {
          out.put(kv, env); // docker's --build-arg NAME takes the value from the environment
          continue;
        }
        throw new IllegalArgumentException("invalid " + flag + " " + kv + ": expected KEY=VALUE");
      }
      out.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return out;
  }

  static void tar(Path root, DockerIgnore ignore, String dockerfile, OutputStream out) throws IOException {
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out); Stream<Path> s = Files.walk(root)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (Path p : s.sorted().toList()) {
        if (p.equals(root)) {
          continue;
        }
        String rel = root.relativize(p).toString();
        boolean always = rel.equals(dockerfile) || rel.equals(".dockerignore");
        if (!always && ignore.excluded(rel)) {
          continue;
        }
        TarArchiveEntry e;
        if (Files.isSymbolicLink(p)) {
          e = new TarArchiveEntry(rel, TarArchiveEntry.LF_SYMLINK);
          e.setLinkName(Files.readSymbolicLink(p).toString());
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          e = new TarArchiveEntry(rel + "/");
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          e = new TarArchiveEntry(rel);
          e.setSize(Files.size(p));
        } else {
          continue;
        }
        e.setMode((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS));
        e.setModTime(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis());
        tar.putArchiveEntry(e);
        if (e.isFile()) {
          try (InputStream in = Files.newInputStream(p)) {
            in.transferTo(tar);
          }
        }
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
  }
}
