package io.berth.maven;

import io.berth.build.java.ArchiveBaseReader;
import io.berth.build.java.BaseImage;
import io.berth.build.java.BuiltImage;
import io.berth.build.java.ContainerSettings;
import io.berth.build.java.JavaImageBuilder;
import io.berth.build.java.JavaProject;
import io.berth.build.java.RegistryImages;
import io.berth.client.ApiClient;
import io.berth.client.DockerHost;
import io.berth.distribution.Credentials;
import io.berth.distribution.DockerConfigFile;
import io.berth.distribution.RegistryTransport;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.UnavailableException;
import io.berth.oci.Reference;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * What every goal shares: reading the project (classes, runtime dependencies, a Spring Boot jar
 * when one was packaged), resolving the base image and building the image; the goals differ only
 * in where the image goes. Parameter names follow Jib's where they mean the same thing.
 */
abstract class AbstractImageMojo extends AbstractMojo {
  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  protected MavenProject project;

  /** Base image: a registry reference, {@code docker://name} (from the daemon), {@code tar://path} or {@code scratch}. */
  @Parameter(property = "berth.from.image", defaultValue = "eclipse-temurin:25-jre")
  protected String fromImage;

  /** The image to produce, {@code [registry/]repository[:tag]}. */
  @Parameter(property = "berth.to.image")
  protected String toImage;

  /** More tags for the same image. */
  @Parameter(property = "berth.to.tags")
  protected List<String> tags;

  @Parameter(property = "berth.container.mainClass")
  protected String mainClass;

  @Parameter(property = "berth.container.jvmFlags")
  protected List<String> jvmFlags;

  @Parameter(property = "berth.container.args")
  protected List<String> args;

  @Parameter(property = "berth.container.ports")
  protected List<String> ports;

  @Parameter
  protected Map<String, String> environment;

  @Parameter
  protected Map<String, String> labels;

  @Parameter(property = "berth.container.user")
  protected String user;

  @Parameter(property = "berth.container.appRoot", defaultValue = "/app")
  protected String appRoot;

  /** The daemon for {@code docker://} bases and the {@code load} goal; default as the docker CLI picks it. */
  @Parameter(property = "berth.host")
  protected String host;

  /**
   * Login for the target registry, as Jib's {@code to.auth}; without it the login that
   * {@code docker login} / {@code berth login} stored in {@code config.json} is used.
   */
  @Parameter(property = "berth.to.auth.username")
  protected String toUsername;

  @Parameter(property = "berth.to.auth.password")
  protected String toPassword;

  /** Login for the base image's registry, when it differs from config.json's. */
  @Parameter(property = "berth.from.auth.username")
  protected String fromUsername;

  @Parameter(property = "berth.from.auth.password")
  protected String fromPassword;

  @Parameter(property = "berth.skip", defaultValue = "false")
  protected boolean skip;

  /**
   * Add an AOT cache recorded by a training run of the image in the daemon ({@code berth.host}):
   * the JVM then starts faster. Classes go into one jar, which the cache requires.
   */
  @Parameter(property = "berth.aotCache", defaultValue = "false")
  protected boolean aotCache;

  /** How long the training run works before it is stopped (the JVM writes the cache on exit). */
  @Parameter(property = "berth.aotTrainingSeconds", defaultValue = "5")
  protected int aotTrainingSeconds;

  @Override
  public final void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("berth: skipped");
      return;
    }
    try {
      Path work = Path.of(project.getBuild().getDirectory(), "berth");
      BaseImage base = base(work.resolve("base-cache"));
      ContainerSettings settings = new ContainerSettings(appRoot, mainClass, jvmFlags, args, ports, environment,
          labels, user);
      JavaImageBuilder builder = new JavaImageBuilder(work);
      JavaProject javaProject = javaProject();
      BuiltImage image = builder.build(javaProject, settings, base, aotCache, null);
      if (aotCache) {
        Path cache = AotTraining.train(daemon(), image, work, aotTrainingSeconds, m -> getLog().info("berth: " + m));
        image = builder.build(javaProject, settings, base, true, cache);
      }
      getLog().info("berth: built image " + image.id() + " on " + base.name());
      deliver(image);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MojoExecutionException("berth: interrupted");
    } catch (BerthException | IllegalArgumentException | UncheckedIOException e) {
      throw new MojoFailureException("berth: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new MojoExecutionException("berth: " + e.getMessage(), e);
    }
  }

  /** Sends the built image where this goal puts images. */
  protected abstract void deliver(BuiltImage image) throws IOException, MojoFailureException;

  protected Reference target() throws MojoFailureException {
    String name = toImage != null && !toImage.isBlank() ? toImage : project.getArtifactId() + ":" + project.getVersion();
    try {
      return Reference.parse(name).withDefaultTag();
    } catch (BerthException e) {
      throw new MojoFailureException("berth: invalid image name <to.image> \"" + name + "\": " + e.getMessage());
    }
  }

  /** The tag of {@link #target()} followed by the extra tags. */
  protected List<String> allTags(Reference target) {
    List<String> out = new ArrayList<>();
    out.add(target.tag());
    if (tags != null) {
      tags.stream().filter(t -> !t.isBlank() && !out.contains(t)).forEach(out::add);
    }
    return out;
  }

  protected ApiClient daemon() {
    return new ApiClient(DockerHost.pick(host, System.getenv()));
  }

  /**
   * Registries with their logins: the plugin's parameters for the target and base registries,
   * else config.json (its credential helpers too). Plain HTTP only for loopback registries.
   */
  protected RegistryImages registries() {
    DockerConfigFile config = new DockerConfigFile(System.getenv());
    String to;
    try {
      to = target().domain();
    } catch (MojoFailureException e) {
      to = null; // the goal reports the bad name itself
    }
    String target = to;
    String from = fromImage == null || fromImage.contains("://") || fromImage.strip().equals("scratch") ? null
        : Reference.parse(fromImage.strip()).domain();
    return new RegistryImages(domain -> {
      Credentials c;
      if (domain.equals(target) && toUsername != null && !toUsername.isBlank()) {
        c = new Credentials(toUsername, toPassword, null);
      } else if (domain.equals(from) && fromUsername != null && !fromUsername.isBlank()) {
        c = new Credentials(fromUsername, fromPassword, null);
      } else {
        try {
          c = config.lookup(domain);
        } catch (IOException e) {
          throw new UnavailableException("reading the login for " + domain + " from " + config.path() + ": "
              + e.getMessage());
        }
      }
      return new RegistryTransport(domain, c, RegistryTransport.isLoopback(domain), null);
    });
  }

  private BaseImage base(Path cache) throws IOException {
    String from = fromImage.strip();
    if (from.equals("scratch")) {
      return BaseImage.scratch();
    }
    if (from.startsWith("tar://")) {
      try (InputStream in = Files.newInputStream(Path.of(from.substring(6)))) {
        return ArchiveBaseReader.read(from, in, cache);
      }
    }
    if (from.startsWith("docker://")) {
      String name = from.substring(9);
      try (ApiClient.Response r = daemon().get("/images/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/get")) {
        return ArchiveBaseReader.read(from, r.body(), cache);
      }
    }
    return registries().base(Reference.parse(from), cache);
  }

  private JavaProject javaProject() throws IOException {
    List<JavaProject.Dependency> deps = new ArrayList<>();
    for (Artifact a : project.getArtifacts()) {
      String scope = a.getScope();
      if (a.getFile() != null && a.getFile().getName().endsWith(".jar")
          && (Artifact.SCOPE_COMPILE.equals(scope) || Artifact.SCOPE_RUNTIME.equals(scope))) {
        deps.add(new JavaProject.Dependency(a.getFile().toPath(), a.getGroupId(), a.isSnapshot()));
      }
    }
    deps.sort(java.util.Comparator.comparing(d -> d.jar().getFileName().toString()));
    Path classes = Path.of(project.getBuild().getOutputDirectory());
    File artifact = project.getArtifact() == null ? null : project.getArtifact().getFile();
    Path boot = artifact != null && artifact.isFile() && isBootJar(artifact) ? artifact.toPath() : null;
    return new JavaProject(classes, classes, deps, boot);
  }

  private static boolean isBootJar(File jar) throws IOException {
    try (JarFile jf = new JarFile(jar)) {
      var mf = jf.getManifest();
      String main = mf == null ? null : mf.getMainAttributes().getValue("Main-Class");
      return main != null && main.startsWith("org.springframework.boot.loader");
    }
  }
}
