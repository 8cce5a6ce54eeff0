package io.berth.maven;

import io.berth.build.java.BuiltImage;
import io.berth.build.java.DockerArchiveWriter;
import io.berth.cli.api.ApiClient;
import io.berth.oci.Reference;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.List;
import java.util.Map;
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
    List<String> names = allTags(target).stream().map(t -> target.name() + ":" + t).toList();
    PipedInputStream in = new PipedInputStream(1 << 20);
    PipedOutputStream out = new PipedOutputStream(in);
    IOException[] failed = new IOException[1];
    Thread writer = Thread.ofVirtual().start(() -> {
      try (out) {
        DockerArchiveWriter.write(image, names, out);
      } catch (IOException e) {
        failed[0] = e;
      }
    });
    ApiClient daemon = daemon();
    try (ApiClient.Response r = daemon.send("POST", "/images/load?quiet=1", in, "application/x-tar", Map.of())) {
      String answer = new String(r.bytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (answer.contains("\"error\"")) {
        throw new org.apache.maven.plugin.MojoFailureException("berth: the daemon refused the image: " + answer);
      }
    }
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failed[0] != null) {
      throw failed[0];
    }
    getLog().info("berth: loaded " + String.join(", ", names) + " into " + daemon.host());
  }
}
