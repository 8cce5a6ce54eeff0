package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.format.Units;
import io.berth.cli.session.Cli;
import io.berth.client.ApiClient;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Image verbs: images, import, save, load, tag, rmi, history, pull, image inspect/prune. */
public final class ImageCommands {
  private ImageCommands() {}

  public static void register(CommandLine root, Cli cli) {
    CommandLine group = new CommandLine(new SystemCommands.Group());
    group.getCommandSpec().name("image");
    Base.add(root, "images", new Images(cli));
    Base.add(group, "ls", new Images(cli));
    for (CommandLine target : List.of(root, group)) {
      Base.add(target, "import", new Import(cli));
      Base.add(target, "save", new Save(cli));
      Base.add(target, "load", new Load(cli));
      Base.add(target, "tag", new Tag(cli));
      Base.add(target, "history", new History(cli));
      Base.add(target, "pull", new Pull(cli));
      Base.add(target, "push", new Push(cli));
    }
    Base.add(root, "rmi", new Rmi(cli));
    Base.add(group, "rm", new Rmi(cli));
    Base.add(group, "inspect", new ContainerCommands.Inspect(cli, "image"));
    Base.add(group, "prune", new Prune(cli));
    Base.add(group, "bootstrap", new BootstrapCommand(cli));
    root.addSubcommand("image", group);
  }

  /** {@code berth build} (and {@code berth image build}). */
  public static void registerBuild(CommandLine root, Cli cli) {
    BuildCommand.register(root, cli);
    Base.add(root.getSubcommands().get("image"), "build", new BuildCommand(cli));
  }

  /** The X-Registry-Auth header for the image's registry, from config.json (none if not logged in). */
  public static Map<String, String> registryAuth(Cli cli, String image) throws java.io.IOException {
    String header = new io.berth.distribution.DockerConfigFile(cli.env).registryAuthHeader(io.berth.oci.Reference.parse(image).domain());
    return header == null ? Map.of() : Map.of("X-Registry-Auth", header);
  }

  static JsonNode imageView(JsonNode i, boolean noTrunc) {
    ObjectNode v = Base.obj();
    String tag = i.path("RepoTags").isEmpty() ? "<none>:<none>" : i.path("RepoTags").get(0).asText();
    int colon = tag.lastIndexOf(':');
    v.put("Repository", tag.substring(0, colon));
    v.put("Tag", tag.substring(colon + 1));
    v.put("ID", noTrunc ? i.path("Id").asText() : Base.shortId(i.path("Id").asText()));
    Instant created = Instant.ofEpochSecond(i.path("Created").asLong());
    v.put("CreatedSince", Units.duration(Duration.between(created, Instant.now())) + " ago");
    v.put("CreatedAt", created.toString());
    v.put("Size", Units.size(i.path("Size").asLong(), 3));
    v.put("Digest", i.path("RepoDigests").isEmpty() ? "<none>" : i.path("RepoDigests").get(0).asText().replaceAll(".*@", ""));
    return v;
  }

  @Command(name = "images", description = "List images", mixinStandardHelpOptions = true)
  static final class Images extends Base {
    @Option(names = {"-a", "--all"}, description = "Show all images") boolean all;
    @Option(names = {"-q", "--quiet"}, description = "Only show image IDs") boolean quiet;
    @Option(names = "--no-trunc", description = "Don't truncate output") boolean noTrunc;
    @Option(names = "--digests", description = "Show digests") boolean digests;
    @Option(names = {"-f", "--filter"}, description = "Filter output based on conditions provided") List<String> filters = new ArrayList<>();
    @Option(names = "--format", description = "Format output using a Go template or json") String format;
    @Parameters(arity = "0..1", paramLabel = "REPOSITORY[:TAG]") String reference;

    Images(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      List<String> f = new ArrayList<>(filters);
      if (reference != null) {
        f.add("reference=" + reference);
      }
      Map<String, Object> params = new LinkedHashMap<>();
      params.put("all", all ? 1 : null);
      params.put("digests", digests ? 1 : null);
      params.put("filters", f.isEmpty() ? null : Filters.json(f));
      String q = ApiClient.query(params);
      List<JsonNode> rows = new ArrayList<>();
      for (JsonNode i : api().get("/images/json" + q).json()) {
        if (i.path("RepoTags").size() <= 1) {
          rows.add(i);
        } else {
          for (JsonNode t : i.path("RepoTags")) {
            ObjectNode copy = i.deepCopy();
            copy.putArray("RepoTags").add(t.asText());
            rows.add(copy);
          }
        }
      }
      String dflt = digests ? "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
          : "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
      print(rows, format, dflt, i -> imageView(i, noTrunc), quiet,
          i -> noTrunc ? i.path("Id").asText() : shortId(i.path("Id").asText()), IMAGE_HEADERS);
      return 0;
    }
  }

  @Command(name = "import", description = "Import the contents from a tarball to create a filesystem image", mixinStandardHelpOptions = true)
  static final class Import extends Base {
    @Option(names = {"-c", "--change"}, description = "Apply Dockerfile instruction to the created image") List<String> changes = new ArrayList<>();
    @Option(names = {"-m", "--message"}, description = "Set commit message for imported image") String message;
    @Parameters(index = "0", paramLabel = "file|-") String file;
    @Parameters(index = "1", arity = "0..1", paramLabel = "REPOSITORY[:TAG]") String reference;

    Import(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      Map<String, Object> q = new LinkedHashMap<>();
      q.put("fromSrc", "-");
      if (reference != null) {
        int slash = reference.lastIndexOf('/');
        int colon = reference.lastIndexOf(':');
        if (colon > slash) {
          q.put("repo", reference.substring(0, colon));
          q.put("tag", reference.substring(colon + 1));
        } else {
          q.put("repo", reference);
        }
      }
      q.put("message", message);
      q.put("changes", changes);
      try (InputStream in = file.equals("-") ? cli.in : Files.newInputStream(Path.of(file));
          var r = api().send("POST", "/images/create" + ApiClient.query(q),
              Progress.wrap(in, file.equals("-") ? -1 : Files.size(Path.of(file)), "Importing",
                  cli.stderrIsTerminal() ? cli.err : null),
              "application/x-tar", Map.of())) {
        for (JsonNode line : r.jsonLines()) {
          if (line.has("error")) {
            throw new java.io.IOException(line.path("error").asText());
          }
          if (line.has("status")) {
            cli.out.println(line.path("status").asText());
          }
        }
      }
      return 0;
    }
  }

  @Command(name = "save", description = "Save one or more images to a tar archive (streamed to STDOUT by default)", mixinStandardHelpOptions = true)
  static final class Save extends Base {
    @Option(names = {"-o", "--output"}, description = "Write to a file, instead of STDOUT") Path output;
    @Parameters(arity = "1..*", paramLabel = "IMAGE") List<String> images;

    Save(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      if (output == null && cli.stdoutIsTerminal()) {
        throw new IllegalArgumentException("cowardly refusing to save to a terminal. Use the -o flag or redirect");
      }
      try (var r = api().get("/images/get" + ApiClient.query(Map.of("names", images)));
          OutputStream out = output == null ? cli.out : Files.newOutputStream(output)) {
        Progress.wrap(r.body(), -1, "Saving", cli.stderrIsTerminal() ? cli.err : null).transferTo(out);
      }
      return 0;
    }
  }

  @Command(name = "load", description = "Load an image from a tar archive or STDIN", mixinStandardHelpOptions = true)
  static final class Load extends Base {
    @Option(names = {"-i", "--input"}, description = "Read from tar archive file, instead of STDIN") Path input;
    @Option(names = {"-q", "--quiet"}, description = "Suppress the load output") boolean quiet;

    Load(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      try (InputStream in = input == null ? cli.in : Files.newInputStream(input);
          var r = api().send("POST", "/images/load" + (quiet ? "?quiet=1" : ""),
              Progress.wrap(in, input == null ? -1 : Files.size(input), "Loading",
                  quiet || !cli.stderrIsTerminal() ? null : cli.err),
              "application/x-tar", Map.of())) {
        for (JsonNode line : r.jsonLines()) {
          if (line.has("error")) {
            throw new java.io.IOException(line.path("error").asText());
          }
          if (line.has("stream") && !quiet) {
            cli.out.print(line.path("stream").asText());
          }
        }
      }
      return 0;
    }
  }

  @Command(name = "tag", description = "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE", mixinStandardHelpOptions = true)
  static final class Tag extends Base {
    @Parameters(index = "0", paramLabel = "SOURCE_IMAGE[:TAG]") String source;
    @Parameters(index = "1", paramLabel = "TARGET_IMAGE[:TAG]") String target;

    Tag(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      Map<String, Object> q = new LinkedHashMap<>();
      int slash = target.lastIndexOf('/');
      int colon = target.lastIndexOf(':');
      q.put("repo", colon > slash ? target.substring(0, colon) : target);
      q.put("tag", colon > slash ? target.substring(colon + 1) : null);
      api().post("/images/" + source + "/tag" + ApiClient.query(q), null).close();
      return 0;
    }
  }

  @Command(name = "rmi", description = "Remove one or more images", mixinStandardHelpOptions = true)
  static final class Rmi extends Base {
    @Option(names = {"-f", "--force"}, description = "Force removal of the image") boolean force;
    @Parameters(arity = "1..*", paramLabel = "IMAGE") List<String> images;

    Rmi(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      int rc = 0;
      for (String i : images) {
        try {
          for (JsonNode d : api().delete("/images/" + i + "?force=" + force).json()) {
            if (d.has("Untagged")) {
              cli.out.println("Untagged: " + d.path("Untagged").asText());
            } else {
              cli.out.println("Deleted: " + d.path("Deleted").asText());
            }
          }
        } catch (io.berth.client.ApiException e) {
          cli.err.println("Error response from daemon: " + e.getMessage());
          rc = 1;
        }
      }
      return rc;
    }
  }

  @Command(name = "history", description = "Show the history of an image", mixinStandardHelpOptions = true)
  static final class History extends Base {
    @Option(names = "--no-trunc", description = "Don't truncate output") boolean noTrunc;
    @Option(names = {"-q", "--quiet"}, description = "Only show image IDs") boolean quiet;
    @Option(names = "--format", description = "Format output using a Go template") String format;
    @Parameters(index = "0", paramLabel = "IMAGE") String image;

    History(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      List<JsonNode> rows = new ArrayList<>();
      api().get("/images/" + image + "/history").json().forEach(rows::add);
      print(rows, format, "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}", h -> {
        ObjectNode v = obj();
        String id = h.path("Id").asText();
        v.put("ID", id.equals("<missing>") || noTrunc ? id : shortId(id));
        Instant created = Instant.ofEpochSecond(h.path("Created").asLong());
        v.put("CreatedSince", Units.duration(Duration.between(created, Instant.now())) + " ago");
        v.put("CreatedAt", created.toString());
        String by = h.path("CreatedBy").asText();
        v.put("CreatedBy", noTrunc || by.length() <= 45 ? by : by.substring(0, 44) + "…");
        v.put("Size", Units.size(h.path("Size").asLong(), 3));
        v.put("Comment", h.path("Comment").asText());
        return v;
      }, quiet, h -> noTrunc ? h.path("Id").asText() : shortId(h.path("Id").asText()), HISTORY_HEADERS);
      return 0;
    }
  }

  @Command(name = "pull", description = "Download an image from a registry", mixinStandardHelpOptions = true)
  static final class Pull extends Base {
    @Option(names = {"-q", "--quiet"}, description = "Suppress verbose output") boolean quiet;
    @Option(names = "--platform", description = "Set platform if server is multi-platform capable (e.g. linux/arm64)") String platform;
    @Parameters(index = "0", paramLabel = "NAME[:TAG|@DIGEST]") String image;

    Pull(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      Map<String, Object> query = new LinkedHashMap<>();
      query.put("fromImage", image);
      query.put("platform", platform);
      try (var r = api().send("POST", "/images/create" + ApiClient.query(query), null, null,
          registryAuth(cli, image))) {
        return RegistryProgress.print(r, cli, quiet) ? 0 : 1;
      }
    }
  }

  @Command(name = "push", description = "Upload an image to a registry", mixinStandardHelpOptions = true)
  static final class Push extends Base {
    @Option(names = {"-q", "--quiet"}, description = "Suppress verbose output") boolean quiet;
    @Option(names = "--compression", defaultValue = "gzip", description = "Layer compression: gzip (Docker v2.2 manifest) or zstd (OCI manifest)") String compression;
    @Parameters(index = "0", paramLabel = "NAME[:TAG]") String image;

    Push(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      String query = compression.equals("gzip") ? "" : ApiClient.query(Map.of("compression", compression));
      try (var r = api().send("POST", "/images/" + image + "/push" + query, null, null, registryAuth(cli, image))) {
        return RegistryProgress.print(r, cli, quiet) ? 0 : 1;
      }
    }
  }

  @Command(name = "prune", description = "Remove unused images", mixinStandardHelpOptions = true)
  static final class Prune extends Base {
    @Option(names = {"-a", "--all"}, description = "Remove all unused images, not just dangling ones") boolean all;
    @Option(names = {"-f", "--force"}, description = "Do not prompt for confirmation") boolean force;

    Prune(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      String warning = all ? "WARNING! This will remove all images without at least one container associated to them."
          : "WARNING! This will remove all dangling images.";
      if (!force && !Prompt.confirm(cli, warning)) {
        return 0;
      }
      String q = all ? ApiClient.query(Map.of("filters", "{\"dangling\":[\"false\"]}")) : "";
      JsonNode r = api().post("/images/prune" + q, null).json();
      if (!r.path("ImagesDeleted").isEmpty()) {
        cli.out.println("Deleted Images:");
        for (JsonNode d : r.path("ImagesDeleted")) {
          cli.out.println(d.has("Untagged") ? "untagged: " + d.path("Untagged").asText()
              : "deleted: " + d.path("Deleted").asText());
        }
        cli.out.println();
      }
      cli.out.println("Total reclaimed space: " + Units.size(r.path("SpaceReclaimed").asLong()));
      return 0;
    }
  }
}
