package io.berth.maven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.build.java.BuiltImage;
import io.berth.client.ApiClient;
import io.berth.oci.ImageConfig;
import io.berth.oci.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Creates the image's AOT cache (JEP 483/514) by a training run of the image itself, in a
 * container: the cache is only valid for the very JVM and class path that made it, so it must be
 * recorded inside the image, not on the build machine. The run starts the application with
 * {@code -XX:AOTCacheOutput}, lets it work for the training time, stops it (the JVM writes the
 * cache on exit) and collects the file through a bind mount.
 */
final class AotTraining {
  private static final String MOUNT = "/berth-aot";

  private AotTraining() {}

  static Path train(ApiClient daemon, BuiltImage image, Path workDir, int seconds, Consumer<String> log)
      throws IOException, InterruptedException {
    Path dir = workDir.resolve("aot").toAbsolutePath();
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx")); // any image user
    Path cache = dir.resolve("app.aot");
    Files.deleteIfExists(cache);
    String tag = "berth-aot-training:" + UUID.randomUUID().toString().substring(0, 8);
    DaemonLoader.load(daemon, image, List.of(tag));
    String id = null;
    try {
      ImageConfig config = Json.read(image.config(), ImageConfig.class, "built config");
      List<String> entrypoint = config.config().entrypoint();
      ObjectNode body = Json.MAPPER.createObjectNode();
      body.put("Image", tag);
      ArrayNode ep = body.putArray("Entrypoint");
      ep.add(entrypoint.getFirst());
      ep.add("-XX:AOTCacheOutput=" + MOUNT + "/app.aot");
      entrypoint.subList(1, entrypoint.size()).forEach(ep::add);
      body.putObject("HostConfig").putArray("Binds").add(dir + ":" + MOUNT);
      try (ApiClient.Response r = daemon.post("/containers/create", body)) {
        id = r.json().path("Id").asText();
      }
      daemon.post("/containers/" + id + "/start", null).close();
      log.accept("training run " + id.substring(0, 12) + " for " + seconds + " s");
      Thread.sleep(seconds * 1000L);
      daemon.post("/containers/" + id + "/stop?t=60", null).close();
      int status;
      try (ApiClient.Response r = daemon.post("/containers/" + id + "/wait", null)) {
        JsonNode w = r.json();
        status = w.path("StatusCode").asInt(-1);
      }
      if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
        String logs;
        try (ApiClient.Response r = daemon.get("/containers/" + id + "/logs?stdout=1&stderr=1&tail=20")) {
          logs = new String(r.bytes(), java.nio.charset.StandardCharsets.UTF_8).replaceAll("[\\x00-\\x08]", "");
        }
        throw new IOException("the training run (exit " + status + ") wrote no AOT cache; its last output:\n" + logs);
      }
      return cache;
    } finally {
      if (id != null) {
        daemon.delete("/containers/" + id + "?force=1").close();
      }
      daemon.delete("/images/" + tag).close();
    }
  }
}
