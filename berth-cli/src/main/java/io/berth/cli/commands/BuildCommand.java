package io.berth.cli.commands;

import io.berth.cli.build.ClassicBuild;
import io.berth.cli.session.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth build}: docker's flags, checked and handed to a {@link ClassicBuild}. */
@Command(name = "build", mixinStandardHelpOptions = true, description = "Build an image from a Dockerfile")
final class BuildCommand extends Base {
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
    String id = ClassicBuild.run(cli, new ClassicBuild.Request(root, dockerfile, tags, pairs(buildArgs, "--build-arg"),
        pairs(labels, "--label"), target, platform, network, noCache, quiet));
    if (quiet && id != null) {
      cli.out.println(id);
    }
    return id == null ? 1 : 0;
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
}
