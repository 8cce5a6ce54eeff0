package io.berth.build.java;

import io.berth.oci.ImageConfig;
import io.berth.oci.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a project into an image without a daemon or a Dockerfile: plans its layers (a Spring Boot
 * jar by its own layer index, otherwise dependencies / snapshots / resources / classes), writes
 * the ones that changed, and derives the config from the base image's. The result goes to a
 * registry, a docker-archive file or a daemon through the targets.
 */
public final class JavaImageBuilder {
  private final LayerCache cache;
  private final Path scratch;

  /** {@code work} holds the layer cache and the exploded Boot jar (e.g. target/berth). */
  public JavaImageBuilder(Path work) {
    this.cache = new LayerCache(work.resolve("layers"));
    this.scratch = work.resolve("exploded");
  }

  public BuiltImage build(JavaProject project, ContainerSettings settings, BaseImage base) {
    return build(project, settings, base, false, null);
  }

  /**
   * With {@code classesJar}, classes and resources go into one jar ({@code <appRoot>/app.jar}),
   * which an AOT cache requires; {@code aotCache}, when given, is added as a last layer and named
   * on the JVM's command line.
   */
  public BuiltImage build(JavaProject project, ContainerSettings settings, BaseImage base, boolean classesJar,
      Path aotCache) {
    List<JavaLayers.Layer> planned = new ArrayList<>();
    List<String> entrypoint;
    String root = settings.appRoot();
    if (project.bootJar() != null) {
      BootJarLayers.Plan plan = BootJarLayers.plan(project.bootJar(), scratch, root);
      planned.addAll(plan.layers());
      entrypoint = JavaImageConfig.entrypoint(settings, root, plan.launcher());
    } else {
      String main = settings.mainClass() != null ? settings.mainClass() : MainClassFinder.find(project.classes());
      if (classesJar) {
        Path jar = scratch.resolveSibling("app.jar");
        ClassesJar.write(project.classes(), jar);
        planned.addAll(JavaLayers.plan(new JavaProject(null, null, project.dependencies(), null), root));
        planned.add(new JavaLayers.Layer("classes", List.of(LayerEntry.file(jar, root + "/app.jar"))));
        entrypoint = JavaImageConfig.entrypoint(settings, root + "/app.jar:" + root + "/libs/*", main);
      } else {
        planned.addAll(JavaLayers.plan(project, root));
        entrypoint = JavaImageConfig.entrypoint(settings, JavaLayers.classpath(root), main);
      }
    }
    if (aotCache != null) {
      planned.add(new JavaLayers.Layer("aot-cache", List.of(LayerEntry.file(aotCache, root + "/aot/app.aot"))));
      entrypoint = new ArrayList<>(entrypoint);
      entrypoint.add(1, "-XX:AOTCache=" + root + "/aot/app.aot");
    }
    List<BlobSource> layers = new ArrayList<>(base.layers());
    List<String> diffIds = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (JavaLayers.Layer l : planned) {
      FileBlob blob = cache.layer(l.entries());
      layers.add(blob);
      diffIds.add(blob.diffId().toString());
      names.add(l.name());
    }
    ImageConfig config = JavaImageConfig.derive(base.config(), diffIds, names, entrypoint, settings);
    return new BuiltImage(Json.bytes(config), layers);
  }
}
