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
    List<JavaLayers.Layer> planned;
    List<String> entrypoint;
    if (project.bootJar() != null) {
      BootJarLayers.Plan plan = BootJarLayers.plan(project.bootJar(), scratch, settings.appRoot());
      planned = plan.layers();
      entrypoint = JavaImageConfig.entrypoint(settings, settings.appRoot(), plan.launcher());
    } else {
      planned = JavaLayers.plan(project, settings.appRoot());
      String main = settings.mainClass() != null ? settings.mainClass() : MainClassFinder.find(project.classes());
      entrypoint = JavaImageConfig.entrypoint(settings, JavaLayers.classpath(settings.appRoot()), main);
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
