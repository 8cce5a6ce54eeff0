package io.berth.maven;

import io.berth.build.java.BuiltImage;
import io.berth.build.java.DockerArchiveWriter;
import io.berth.client.ApiClient;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Streams a built image into a daemon's {@code /images/load} as a docker-archive, written on the
 * fly so nothing is staged on disk; berthd and dockerd both accept it.
 */
final class DaemonLoader {
  private DaemonLoader() {}

  static void load(ApiClient daemon, BuiltImage image, List<String> names) throws IOException {
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
    try (ApiClient.Response r = daemon.send("POST", "/images/load?quiet=1", in, "application/x-tar", Map.of())) {
      String answer = new String(r.bytes(), StandardCharsets.UTF_8);
      if (answer.contains("\"error\"")) {
        throw new IOException("the daemon refused the image: " + answer);
      }
    }
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while loading the image");
    }
    if (failed[0] != null) {
      throw failed[0];
    }
  }
}
