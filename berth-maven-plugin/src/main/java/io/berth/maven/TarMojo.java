package io.berth.maven;

import io.berth.build.java.BuiltImage;
import io.berth.build.java.DockerArchiveWriter;
import io.berth.oci.Reference;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.List;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/** {@code berth:tar}: writes the image as a docker-archive file ({@code docker load -i} reads it). */
@Mojo(name = "tar", defaultPhase = LifecyclePhase.PACKAGE, requiresDependencyResolution = ResolutionScope.RUNTIME,
    threadSafe = true)
public final class TarMojo extends AbstractImageMojo {
  @Parameter(property = "berth.outputFile", defaultValue = "${project.build.directory}/berth-image.tar")
  private File outputFile;

  @Override
  protected void deliver(BuiltImage image) throws IOException, org.apache.maven.plugin.MojoFailureException {
    Reference target = target();
    List<String> names = allTags(target).stream()
        .map(t -> new Reference(target.domain(), target.path(), t, null).familiarString()).toList();
    Files.createDirectories(outputFile.toPath().toAbsolutePath().getParent());
    try (OutputStream out = Files.newOutputStream(outputFile.toPath())) {
      DockerArchiveWriter.write(image, names, out);
    }
    getLog().info("berth: wrote " + outputFile + " (" + String.join(", ", names) + ")");
  }
}
