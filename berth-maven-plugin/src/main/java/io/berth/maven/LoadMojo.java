package io.berth.maven;

import io.berth.build.java.BuiltImage;
import io.berth.client.ApiClient;
import io.berth.oci.Reference;
import java.io.IOException;
import java.util.List;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * {@code berth:load}: streams the image into a daemon's {@code /images/load} (berthd, or dockerd:
 * the archive is docker's own format), without writing it to disk first.
 */
@Mojo(name = "load", defaultPhase = LifecyclePhase.PACKAGE, requiresDependencyResolution = ResolutionScope.RUNTIME,
    threadSafe = true)
public final class LoadMojo extends AbstractImageMojo {
  @Override
  protected void deliver(BuiltImage image) throws IOException, org.apache.maven.plugin.MojoFailureException {
    Reference target = target();
    List<String> names = allTags(target).stream()
        .map(t -> new Reference(target.domain(), target.path(), t, null).familiarString()).toList();
    ApiClient daemon = daemon();
    DaemonLoader.load(daemon, image, names);
    getLog().info("berth: loaded " + String.join(", ", names) + " into " + daemon.host());
  }
}
