package io.berth.maven;

import io.berth.build.java.BuiltImage;
import io.berth.oci.Digest;
import io.berth.oci.Reference;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/** {@code berth:build}: pushes the image straight to a registry; no daemon involved. */
@Mojo(name = "build", defaultPhase = LifecyclePhase.PACKAGE, requiresDependencyResolution = ResolutionScope.RUNTIME,
    threadSafe = true)
public final class BuildMojo extends AbstractImageMojo {
  @Override
  protected void deliver(BuiltImage image) throws org.apache.maven.plugin.MojoFailureException {
    Reference target = target();
    Digest digest = registries().push(image, target, allTags(target),
        (d, status) -> getLog().info("berth: " + d.shortHex() + ": " + status));
    getLog().info("berth: pushed " + target + " (" + digest + ")");
  }
}
