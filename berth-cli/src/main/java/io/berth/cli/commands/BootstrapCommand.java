package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.session.Cli;
import io.berth.client.ApiClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth image bootstrap debian:bookworm}: makes a real Debian base image on a machine with
 * no internet registry, from Debian's own packages. debootstrap fills a directory from the apt
 * mirror this host already uses; the tree is then imported like {@code docker import}, with
 * {@code CMD ["bash"]} as Docker's official Debian images have.
 */
@Command(name = "bootstrap", mixinStandardHelpOptions = true,
    description = "Create a Debian base image with debootstrap (runs on this host, as root)")
final class BootstrapCommand extends Base {
  private static final Pattern REF = Pattern.compile("(?:[a-z0-9./-]+/)?debian:([a-z]+)");
  private static final Pattern URI_LINE = Pattern.compile("(?m)^(?:URIs:\\s*|deb\\s+(?:\\[[^]]*]\\s+)?)(\\S+)");

  @Parameters(index = "0", paramLabel = "debian:SUITE", description = "e.g. debian:bookworm; the suite is the tag")
  String reference;

  @Option(names = {"-t", "--tag"}, description = "Name of the image (default: the reference given)")
  String tag;

  @Option(names = "--mirror", description = "Debian mirror (default: the one in this host's apt sources)")
  String mirror;

  @Option(names = "--variant", defaultValue = "minbase", description = "debootstrap variant (default: ${DEFAULT-VALUE})")
  String variant;

  @Option(names = "--include", split = ",", description = "Extra packages to install, comma separated")
  List<String> include = new ArrayList<>();

  BootstrapCommand(Cli cli) {
    super(cli);
  }

  @Override
  public Integer call() throws Exception {
    Matcher m = REF.matcher(reference);
    if (!m.matches()) {
      throw new IllegalArgumentException("bootstrap makes Debian images: expected debian:SUITE (e.g. debian:bookworm), got "
          + reference);
    }
    String suite = m.group(1);
    Path debootstrap = Stream.of("/usr/sbin/debootstrap", "/usr/bin/debootstrap").map(Path::of)
        .filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> new IllegalStateException("debootstrap is not installed: apt-get install debootstrap"));
    String source = mirror != null ? mirror : hostMirror();
    Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "berth-bootstrap-");
    try {
      List<String> cmd = new ArrayList<>(List.of(debootstrap.toString(), "--variant=" + variant));
      if (!include.isEmpty()) {
        cmd.add("--include=" + String.join(",", include));
      }
      cmd.addAll(List.of(suite, dir.toString(), source));
      cli.err.println("Running " + String.join(" ", cmd));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      try (InputStream out = p.getInputStream()) {
        out.transferTo(cli.err);
      }
      if (p.waitFor() != 0) {
        throw new IOException("debootstrap failed with exit code " + p.exitValue() + " (see its output above)");
      }
      trim(dir);
      cli.out.println(importTree(dir, tag != null ? tag : reference));
      return 0;
    } finally {
      deleteTree(dir);
    }
  }

  /** Drops what only the bootstrap needed: downloaded packages and apt lists, as Docker's images do. */
  private static void trim(Path root) throws IOException {
    for (String d : List.of("var/cache/apt/archives", "var/lib/apt/lists")) {
      Path p = root.resolve(d);
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          for (Path f : s.filter(Files::isRegularFile).toList()) {
            Files.delete(f);
          }
        }
      }
    }
  }

  private String importTree(Path root, String name) throws IOException, InterruptedException {
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("fromSrc", "-");
    int colon = name.lastIndexOf(':');
    q.put("repo", colon > name.lastIndexOf('/') ? name.substring(0, colon) : name);
    q.put("tag", colon > name.lastIndexOf('/') ? name.substring(colon + 1) : "latest");
    q.put("changes", List.of("CMD [\"bash\"]"));
    Process tar = new ProcessBuilder("tar", "--numeric-owner", "--xattrs", "-C", root.toString(), "-cf", "-", ".")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String id = null;
    try (InputStream in = tar.getInputStream();
        var r = api().send("POST", "/images/create" + ApiClient.query(q), in, "application/x-tar", Map.of())) {
      for (JsonNode line : r.jsonLines()) {
        if (line.has("error")) {
          throw new IOException(line.path("error").asText());
        }
        if (line.has("status")) {
          id = line.path("status").asText();
        }
      }
    }
    if (tar.waitFor() != 0) {
      throw new IOException("tar of the bootstrapped tree failed with exit code " + tar.exitValue());
    }
    return id;
  }

  /** The first Debian mirror in this host's apt sources, so the bootstrap uses what apt uses. */
  static String hostMirror() throws IOException {
    List<Path> files = new ArrayList<>(List.of(Path.of("/etc/apt/sources.list")));
    Path d = Path.of("/etc/apt/sources.list.d");
    if (Files.isDirectory(d)) {
      try (Stream<Path> s = Files.list(d)) {
        s.filter(p -> p.toString().endsWith(".sources") || p.toString().endsWith(".list")).sorted().forEach(files::add);
      }
    }
    for (Path f : files) {
      if (Files.isRegularFile(f)) {
        Matcher m = URI_LINE.matcher(Files.readString(f));
        while (m.find()) {
          if (m.group(1).matches("https?://.*/debian/?")) {
            return m.group(1);
          }
        }
      }
    }
    return "http://deb.debian.org/debian";
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
