package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.session.Cli;
import io.berth.client.ApiClient;
import io.berth.client.ApiException;
import io.berth.store.layer.CopyPaths;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth cp}: files between a container and the host, with the docker CLI's rules (its
 * cli/command/container/cp.go): the daemon stats, archives and unpacks; this side decides the
 * names ({@code dir/.} copies the content, a new name renames, an existing directory receives)
 * and reads or writes the host's files. {@code -} is a tar on stdin or stdout.
 */
@Command(name = "cp", description = "Copy files/folders between a container and the local filesystem",
    mixinStandardHelpOptions = true)
final class CopyCommand extends Base {
  @Option(names = {"-L", "--follow-link"}, description = "Always follow symlinks in SRC_PATH") boolean followLink;
  @Option(names = {"-a", "--archive"}, description = "Archive mode (copy all uid/gid information)") boolean archive;
  @Option(names = {"-q", "--quiet"}, description = "Suppress progress output during copy") boolean quiet;
  @Parameters(index = "0", paramLabel = "SRC") String source;
  @Parameters(index = "1", paramLabel = "DEST") String destination;

  CopyCommand(Cli cli) {
    super(cli);
  }

  @Override
  public Integer call() throws Exception {
    if (source.isEmpty()) {
      throw new IllegalArgumentException("source can not be empty");
    }
    if (destination.isEmpty()) {
      throw new IllegalArgumentException("destination can not be empty");
    }
    String[] src = split(source);
    String[] dst = split(destination);
    if (src[0] != null && dst[0] != null) {
      throw new IllegalArgumentException("copying between containers is not supported");
    }
    if (src[0] != null) {
      fromContainer(src[0], src[1], dst[1]);
    } else if (dst[0] != null) {
      toContainer(src[1], dst[0], dst[1]);
    } else {
      throw new IllegalArgumentException("must specify at least one container source");
    }
    return 0;
  }

  /** {container or null, path}: a local path with a ':' must start with '/' or '.'. */
  static String[] split(String arg) {
    if (arg.startsWith("/")) {
      return new String[] {null, arg};
    }
    int colon = arg.indexOf(':');
    if (colon < 0 || arg.startsWith(".")) {
      return new String[] {null, arg};
    }
    return new String[] {arg.substring(0, colon), arg.substring(colon + 1)};
  }

  private void fromContainer(String container, String srcPath, String dstPath) throws IOException {
    String dst = dstPath.equals("-") ? dstPath : LocalCopy.absolute(dstPath);
    LocalCopy.validateOutput(dst);
    String rebase = null;
    if (followLink) {
      JsonNode st = stat(container, srcPath);
      if (st != null && (st.path("mode").asLong() & SYMLINK) != 0) {
        String target = st.path("linkTarget").asText();
        if (!target.startsWith("/")) {
          target = CopyPaths.goClean(CopyPaths.splitPathDirEntry(srcPath)[0] + "/" + target);
        }
        String[] r = CopyPaths.rebaseName(srcPath, target);
        srcPath = r[0];
        rebase = r[1];
      }
    }
    try (ApiClient.Response r = api().get(archivePath(container, srcPath, Map.of()))) {
      if (dst.equals("-")) {
        r.body().transferTo(cli.out);
        cli.out.flush();
        return;
      }
      JsonNode st = decode(r.headers().get("x-docker-container-path-stat"));
      boolean dir = st != null && (st.path("mode").asLong() & DIR) != 0;
      CopyPaths.Info srcInfo = new CopyPaths.Info(srcPath, true, dir, rebase);
      InputStream content = r.body();
      if (rebase != null) {
        content = LocalCopy.rebase(content, CopyPaths.splitPathDirEntry(srcPath)[1], rebase);
      }
      CopyPaths.Prepared p = CopyPaths.prepare(srcInfo, LocalCopy.destination(dst));
      if (p.oldBase() != null) {
        content = LocalCopy.rebase(content, p.oldBase(), p.newBase());
      }
      LocalCopy.untar(content, p.dstDir());
      summary(st != null && !dir ? st.path("size").asLong() : -1, dst);
    }
  }

  private void toContainer(String srcPath, String container, String dstPath) throws IOException {
    String src = srcPath.equals("-") ? srcPath : LocalCopy.absolute(srcPath);
    String resolvedDst = dstPath;
    boolean exists = false;
    boolean dir = false;
    JsonNode st = stat(container, dstPath);
    if (st != null) {
      if ((st.path("mode").asLong() & SYMLINK) != 0) {
        String target = st.path("linkTarget").asText();
        if (!target.startsWith("/")) {
          target = CopyPaths.goClean(CopyPaths.splitPathDirEntry(dstPath)[0] + "/" + target);
        }
        resolvedDst = target;
        st = stat(container, target);
      }
      if (st != null) {
        long mode = st.path("mode").asLong();
        if ((mode & (DEVICE | IRREGULAR)) != 0) {
          throw new IllegalArgumentException("destination \"" + container + ":" + dstPath
              + "\" must be a directory or a regular file: got " + ((mode & DEVICE) != 0 ? "a device" : "an irregular file"));
        }
        exists = true;
        dir = (mode & DIR) != 0;
      }
    }
    CopyPaths.Info dstInfo = new CopyPaths.Info(resolvedDst, exists, dir, null);
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("noOverwriteDirNonDir", "true");
    if (archive) {
      q.put("copyUIDGID", "true");
    }
    if (src.equals("-")) {
      if (!dstInfo.dir()) {
        throw new IllegalArgumentException("destination \"" + container + ":" + dstPath + "\" must be a directory");
      }
      api().send("PUT", archivePath(container, dstInfo.path(), q), cli.in, "application/x-tar", Map.of()).close();
      return;
    }
    CopyPaths.Info srcInfo = LocalCopy.source(src, followLink);
    CopyPaths.Prepared p = CopyPaths.prepare(srcInfo, dstInfo);
    String name = p.newBase() != null ? p.newBase()
        : srcInfo.rebaseName() != null ? srcInfo.rebaseName() : CopyPaths.splitPathDirEntry(srcInfo.path())[1];
    try (InputStream tar = LocalCopy.tar(srcInfo, name)) {
      api().send("PUT", archivePath(container, p.dstDir(), q), tar, "application/x-tar", Map.of()).close();
    }
    summary(-1, container + ":" + dstInfo.path());
  }

  // Go's os.FileMode bits, as the stat header carries them
  private static final long DIR = 1L << 31;
  private static final long SYMLINK = 1L << 27;
  private static final long DEVICE = 1L << 26;
  private static final long IRREGULAR = 1L << 19;

  /** HEAD .../archive: the decoded stat, or null when the path does not exist (or cannot be stat'ed). */
  private JsonNode stat(String container, String path) throws IOException {
    try (ApiClient.Response r = api().send("HEAD", archivePath(container, path, Map.of()), null, null, Map.of())) {
      return decode(r.headers().get("x-docker-container-path-stat"));
    } catch (ApiException e) {
      return null; // as the docker CLI: a copy may still work (a new name); the transfer reports real errors
    }
  }

  private static JsonNode decode(String header) throws IOException {
    if (header == null || header.isEmpty()) {
      return null;
    }
    return JSON.readTree(new String(Base64.getDecoder().decode(header), StandardCharsets.UTF_8));
  }

  private static String archivePath(String container, String path, Map<String, Object> extra) {
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("path", path);
    q.putAll(extra);
    return "/containers/" + enc(container) + "/archive" + ApiClient.query(q);
  }

  private void summary(long size, String where) {
    if (!quiet && cli.stdoutIsTerminal()) {
      cli.err.println("Successfully copied " + (size >= 0 ? io.berth.cli.format.Units.size(size, 3) + " " : "")
          + "to " + where);
    }
  }
}
