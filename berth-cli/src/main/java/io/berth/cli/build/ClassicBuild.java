package io.berth.cli.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.build.context.DockerIgnore;
import io.berth.cli.session.Cli;
import io.berth.client.ApiClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A build on the daemon's classic builder ({@code POST /build}), as {@code berth build} and
 * {@code berth compose build} run it: the context is tarred on the fly (leaving out what
 * {@code .dockerignore} excludes, but always the Dockerfile and .dockerignore themselves) and the
 * build's output printed as docker's classic builder does.
 */
public final class ClassicBuild {
  /**
   * What to build.
   *
   * @param root the context directory, absolute
   * @param dockerfile the Dockerfile's path relative to {@code root}
   */
  public record Request(Path root, String dockerfile, List<String> tags, Map<String, String> args,
      Map<String, String> labels, String target, String platform, String network, boolean noCache, boolean quiet) {}

  private ClassicBuild() {}

  /**
   * Sends {@code root} (minus .dockerignore'd files) to the daemon's classic builder and prints
   * its output; returns the image id, or null when the build failed (the error was printed).
   */
  public static String run(Cli cli, Request b) throws Exception {
    ObjectMapper json = ApiClient.mapper();
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("t", b.tags());
    q.put("dockerfile", b.dockerfile());
    q.put("buildargs", json.writeValueAsString(b.args()));
    q.put("labels", json.writeValueAsString(b.labels()));
    q.put("target", b.target());
    q.put("platform", b.platform());
    q.put("networkmode", b.network());
    if (b.noCache()) {
      q.put("nocache", "1");
    }
    if (b.quiet()) {
      q.put("q", "1");
    }
    Path ignoreFile = b.root().resolve(".dockerignore");
    DockerIgnore ignore = Files.exists(ignoreFile) ? DockerIgnore.parse(Files.readString(ignoreFile)) : DockerIgnore.none();
    PipedInputStream in = new PipedInputStream(1 << 20);
    PipedOutputStream pipe = new PipedOutputStream(in);
    Thread writer = Thread.ofVirtual().start(() -> {
      try (pipe) {
        tar(b.root(), ignore, b.dockerfile(), pipe);
      } catch (IOException ignored) {
        // the daemon stopped reading; its answer says why
      }
    });
    String id = null;
    boolean failed = false;
    try (var r = cli.client().send("POST", "/build" + ApiClient.query(q), in, "application/x-tar", Map.of())) {
      for (JsonNode line : r.jsonLines()) {
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

  /** The context as a tar stream: symlinks kept as links, modes and times as on disk. */
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
