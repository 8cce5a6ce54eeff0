package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.berth;
import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Moving images between berthd and a registry (Berth's own): several layers at once, concurrent
 * pulls sharing layers, and choosing a platform from a multi-platform index.
 */
class TransferIT {
  private static final Path DIR = Path.of("/tmp/berth-it-transfer");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Process registry;
  private static String reg;

  @BeforeAll
  static void start() throws Exception {
    TestDaemon.ensure();
    Exec.sh("rm -rf " + DIR + " && mkdir -p " + DIR);
    try (ServerSocket s = new ServerSocket(0)) {
      reg = "127.0.0.1:" + s.getLocalPort();
    }
    registry = new ProcessBuilder(Exec.repoRoot().resolve("bin/berth").toString(), "registry", "serve",
        "--addr", reg, "--storage", DIR.resolve("storage").toString()).redirectErrorStream(true)
        .redirectOutput(DIR.resolve("registry.log").toFile()).start();
    for (int i = 0; i < 200 && Exec.sh("curl -sf http://" + reg + "/v2/").exit() != 0; i++) {
      Thread.sleep(100);
    }
    // three layers of random data (3 MB each) to stack on the suite's busybox layer
    Exec.Result r = Exec.sh("cd " + DIR + " && for i in 1 2 3; do mkdir -p l$i/data && head -c 3000000 /dev/urandom"
        + " > l$i/data/blob$i && tar -C l$i -cf layer$i.tar data; done");
    check(r, "layers");
  }

  @AfterAll
  static void stop() throws Exception {
    registry.destroy();
    registry.waitFor(20, TimeUnit.SECONDS);
  }

  private static String sha256(byte[] b) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static void put(String url, byte[] body, String type) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + reg + url))
        .header("Content-Type", type).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(201);
  }

  private static String blob(String repo, byte[] content) throws Exception {
    String d = sha256(content);
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + reg + "/v2/" + repo
        + "/blobs/uploads/?digest=" + d)).POST(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(201);
    return d;
  }

  /** Pushes the busybox image with three extra random layers as {@code repo:tag}; returns the manifest. */
  private static byte[] pushLayered(String repo, String tag, String arch) throws Exception {
    check(docker("tag", IMAGE, reg + "/base/bb:1"), "tag");
    check(docker("push", reg + "/base/bb:1"), "push base");
    HttpResponse<byte[]> m = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + reg + "/v2/base/bb/manifests/1"))
        .header("Accept", "application/vnd.docker.distribution.manifest.v2+json").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    ObjectNode manifest = (ObjectNode) JSON.readTree(m.body());
    String configDigest = manifest.path("config").path("digest").asText();
    byte[] configBytes = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + reg + "/v2/base/bb/blobs/"
        + configDigest)).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
    ObjectNode config = (ObjectNode) JSON.readTree(configBytes);
    config.put("architecture", arch);
    var layers = manifest.withArray("layers");
    var diffIds = config.with("rootfs").withArray("diff_ids");
    blob(repo, HTTP.send(HttpRequest.newBuilder(URI.create("http://" + reg + "/v2/base/bb/blobs/"
        + layers.get(0).path("digest").asText())).build(), HttpResponse.BodyHandlers.ofByteArray()).body());
    for (int i = 1; i <= 3; i++) {
      byte[] tar = java.nio.file.Files.readAllBytes(DIR.resolve("layer" + i + ".tar"));
      String d = blob(repo, tar);
      layers.addObject().put("mediaType", "application/vnd.docker.image.rootfs.diff.tar").put("size", tar.length)
          .put("digest", d);
      diffIds.add(d);
    }
    byte[] newConfig = JSON.writeValueAsBytes(config);
    String cd = blob(repo, newConfig);
    manifest.with("config").put("digest", cd).put("size", newConfig.length);
    byte[] out = JSON.writeValueAsBytes(manifest);
    put("/v2/" + repo + "/manifests/" + tag, out, "application/vnd.docker.distribution.manifest.v2+json");
    return out;
  }

  @Test
  void multiLayerImagesPullInParallelAndConcurrentPullsShareLayers() throws Exception {
    pushLayered("multi/app", "1", "amd64");
    put("/v2/multi/app/manifests/2", HTTP.send(HttpRequest.newBuilder(URI.create("http://" + reg
        + "/v2/multi/app/manifests/1")).build(), HttpResponse.BodyHandlers.ofByteArray()).body(),
        "application/vnd.docker.distribution.manifest.v2+json");
    // two pulls at once of images sharing every layer (the daemon downloads a layer both want once)
    CompletableFuture<Exec.Result> a = CompletableFuture.supplyAsync(() -> docker("pull", reg + "/multi/app:1"));
    CompletableFuture<Exec.Result> b = CompletableFuture.supplyAsync(() -> docker("pull", reg + "/multi/app:2"));
    check(a.get(), "pull 1");
    check(b.get(), "pull 2");
    assertThat(docker("run", "--rm", reg + "/multi/app:1", "sh", "-c", "ls /data | sort | tr '\\n' ' '").out())
        .isEqualTo("blob1 blob2 blob3 ");
    String log = Exec.sh("cat " + DIR + "/registry.log").out();
    assertThat(log).doesNotContain("Exception");
    check(docker("rmi", reg + "/multi/app:1", reg + "/multi/app:2"), "rmi");
  }

  @Test
  void platformIsChosenFromAnIndex() throws Exception {
    byte[] amd = pushLayered("plat/app", "amd64", "amd64");
    byte[] arm = pushLayered("plat/app", "arm64", "arm64");
    String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
        + entry(amd, "amd64") + "," + entry(arm, "arm64") + "]}";
    put("/v2/plat/app/manifests/multi", index.getBytes(StandardCharsets.UTF_8), "application/vnd.oci.image.index.v1+json");
    Exec.Result r = berth("pull", "--platform", "linux/arm64", reg + "/plat/app:multi");
    check(r, "pull --platform linux/arm64");
    assertThat(berth("image", "inspect", "--format", "{{.Architecture}}", reg + "/plat/app:multi").out().trim())
        .isEqualTo("arm64");
    check(berth("rmi", reg + "/plat/app:multi"), "rmi");
    check(docker("pull", reg + "/plat/app:multi"), "default platform");
    assertThat(berth("image", "inspect", "--format", "{{.Architecture}}", reg + "/plat/app:multi").out().trim())
        .isEqualTo("amd64");
    r = berth("pull", "--platform", "linux/s390x", reg + "/plat/app:multi");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("linux/s390x").contains("linux/amd64, linux/arm64");
    check(berth("rmi", reg + "/plat/app:multi"), "rmi");
  }

  @Test
  void zstdPushIsAnOciImageThatPullsBack() throws Exception {
    // random layers, so that the pull below must really download and decompress zstd
    pushLayered("zstd/src", "1", "amd64");
    check(docker("pull", reg + "/zstd/src:1"), "pull source");
    String image = reg + "/zstd/app:1";
    check(berth("tag", reg + "/zstd/src:1", image), "tag");
    check(berth("rmi", reg + "/zstd/src:1"), "untag source");
    Exec.Result r = berth("push", "--compression", "zstd", image);
    check(r, "push --compression zstd");
    Exec.Result raw = Exec.run(java.util.Map.of(), null, 60, java.util.List.of("skopeo", "inspect", "--raw",
        "--tls-verify=false", "docker://" + image));
    check(raw, "skopeo inspect --raw");
    assertThat(raw.out()).contains("application/vnd.oci.image.manifest.v1+json")
        .contains("application/vnd.oci.image.layer.v1.tar+zstd");
    // skopeo (containers/image) reads the zstd layers too
    check(Exec.run(java.util.Map.of(), null, 120, java.util.List.of("skopeo", "copy", "--src-tls-verify=false",
        "docker://" + image, "oci:" + DIR + "/zstd-layout:1")), "skopeo copy of a zstd image");
    // a gzip push of the same image is a different (Docker v2.2) manifest, never naming the zstd blob
    r = berth("push", reg + "/zstd/app:1");
    check(r, "gzip push");
    raw = Exec.run(java.util.Map.of(), null, 60, java.util.List.of("skopeo", "inspect", "--raw", "--tls-verify=false",
        "docker://" + image));
    assertThat(raw.out()).contains("application/vnd.docker.image.rootfs.diff.tar.gzip").doesNotContain("zstd");
    check(berth("push", "--compression", "zstd", reg + "/zstd/app:1"), "zstd push again");
    check(berth("rmi", image), "rmi"); // its random layers leave the store with it
    r = docker("pull", image);
    check(r, "pull the zstd image");
    assertThat(r.out()).contains("Pull complete");
    assertThat(docker("run", "--rm", image, "sh", "-c", "ls /data | sort | tr '\\n' ' '").out())
        .isEqualTo("blob1 blob2 blob3 ");
    assertThat(berth("push", "--compression", "lz4", image).err()).contains("unknown compression lz4");
    check(berth("rmi", image), "rmi");
  }

  /**
   * A proxy in front of the registry cuts the first download of a big blob after 1 MB; the pull
   * still succeeds, resuming that layer with a Range request.
   */
  @Test
  void anInterruptedLayerDownloadResumes() throws Exception {
    pushLayered("resume/app", "1", "amd64");
    java.util.concurrent.atomic.AtomicInteger cut = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger ranged = new java.util.concurrent.atomic.AtomicInteger();
    try (java.net.ServerSocket proxy = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        while (!proxy.isClosed()) {
          try {
            java.net.Socket client = proxy.accept();
            Thread.ofVirtual().start(() -> relay(client, cut, ranged));
          } catch (java.io.IOException e) {
            return;
          }
        }
      });
      String via = "127.0.0.1:" + proxy.getLocalPort();
      Exec.Result r = docker("pull", via + "/resume/app:1");
      check(r, "pull through a connection that breaks once");
      assertThat(cut.get()).isEqualTo(1);
      assertThat(ranged.get()).isGreaterThanOrEqualTo(1);
      assertThat(docker("run", "--rm", via + "/resume/app:1", "sh", "-c", "ls /data | sort | tr '\\n' ' '").out())
          .isEqualTo("blob1 blob2 blob3 ");
      check(docker("rmi", via + "/resume/app:1"), "rmi");
    }
  }

  /**
   * The same for a push: the proxy breaks the first big PATCH after 1 MB; berthd asks the upload's
   * status and sends the rest, and the pushed image pulls back intact.
   */
  @Test
  void anInterruptedLayerUploadResumes() throws Exception {
    pushLayered("upsrc/app", "1", "amd64");
    check(docker("pull", reg + "/upsrc/app:1"), "pull source");
    java.util.concurrent.atomic.AtomicInteger cut = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicLong resumedAt = new java.util.concurrent.atomic.AtomicLong();
    try (java.net.ServerSocket proxy = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        while (!proxy.isClosed()) {
          try {
            java.net.Socket client = proxy.accept();
            Thread.ofVirtual().start(() -> relayUpload(client, cut, resumedAt));
          } catch (java.io.IOException e) {
            return;
          }
        }
      });
      String via = "127.0.0.1:" + proxy.getLocalPort();
      check(berth("tag", reg + "/upsrc/app:1", via + "/updst/app:1"), "tag");
      Exec.Result r = berth("push", via + "/updst/app:1");
      check(r, "push through a connection that breaks once");
      assertThat(cut.get()).isEqualTo(1);
      // the rest was sent from where the registry stood (what it had read before the reset), not from the start
      assertThat(resumedAt.get()).isPositive();
      check(berth("rmi", via + "/updst/app:1", reg + "/upsrc/app:1"), "rmi");
      check(docker("pull", reg + "/updst/app:1"), "pull what was pushed");
      assertThat(docker("run", "--rm", reg + "/updst/app:1", "sh", "-c", "ls /data | sort | tr '\\n' ' '").out())
          .isEqualTo("blob1 blob2 blob3 ");
      check(docker("rmi", reg + "/updst/app:1"), "rmi");
    }
  }

  /** Relays a connection; the first PATCH body to pass 1 MB is cut there, once. */
  private static void relayUpload(java.net.Socket client, java.util.concurrent.atomic.AtomicInteger cut,
      java.util.concurrent.atomic.AtomicLong resumedAt) {
    String[] hp = reg.split(":");
    try (client; java.net.Socket upstream = new java.net.Socket(hp[0], Integer.parseInt(hp[1]))) {
      java.io.InputStream uin = upstream.getInputStream();
      java.io.OutputStream cout = client.getOutputStream();
      Thread down = Thread.ofVirtual().start(() -> {
        try {
          uin.transferTo(cout);
        } catch (java.io.IOException ignored) {
          // either side went away
        }
      });
      java.io.InputStream cin = client.getInputStream();
      java.io.OutputStream uout = upstream.getOutputStream();
      byte[] buf = new byte[65536];
      long sent = 0;
      boolean cutThis = false;
      for (int n; (n = cin.read(buf)) > 0; ) {
        String head = new String(buf, 0, Math.min(n, 1024), StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher range = java.util.regex.Pattern.compile("(?i)\r\ncontent-range: (\\d+)-").matcher(head);
        if (head.startsWith("PATCH") && range.find()) {
          resumedAt.accumulateAndGet(Long.parseLong(range.group(1)), Math::max);
        }
        if (head.startsWith("PATCH") && cut.get() == 0) {
          cutThis = true; // a streamed (chunked) PATCH or one of known length: the first past 1 MB is cut
          sent = 0;
        }
        uout.write(buf, 0, n);
        uout.flush();
        sent += n;
        if (cutThis && sent > 1_000_000 && cut.compareAndSet(0, 1)) {
          client.setSoLinger(true, 0);
          upstream.setSoLinger(true, 0);
          return;
        }
      }
      down.join();
    } catch (Exception ignored) {
      // the assertions tell whether the relay did its job
    }
  }

  /** Relays one client connection to the registry; the first big blob response is cut at 1 MB. */
  private static void relay(java.net.Socket client, java.util.concurrent.atomic.AtomicInteger cut,
      java.util.concurrent.atomic.AtomicInteger ranged) {
    String[] hp = reg.split(":");
    try (client; java.net.Socket upstream = new java.net.Socket(hp[0], Integer.parseInt(hp[1]))) {
      java.io.InputStream cin = client.getInputStream();
      java.io.OutputStream uout = upstream.getOutputStream();
      Thread up = Thread.ofVirtual().start(() -> {
        try {
          byte[] buf = new byte[65536];
          for (int n; (n = cin.read(buf)) > 0; ) {
            String head = new String(buf, 0, Math.min(n, 2048), StandardCharsets.ISO_8859_1);
            if (head.contains("Range: bytes=") || head.contains("range: bytes=")) {
              ranged.incrementAndGet();
            }
            uout.write(buf, 0, n);
            uout.flush();
          }
        } catch (java.io.IOException ignored) {
          // either side went away
        }
      });
      java.io.InputStream uin = upstream.getInputStream();
      java.io.OutputStream cout = client.getOutputStream();
      byte[] buf = new byte[65536];
      long sent = 0;
      boolean cutThis = false;
      for (int n; (n = uin.read(buf)) > 0; ) {
        if (!cutThis && sent == 0 && new String(buf, 0, Math.min(n, 512), StandardCharsets.ISO_8859_1)
            .contains("Content-Length: 30") && cut.compareAndSet(0, 1)) {
          cutThis = true; // a ~3 MB layer: this response is the one to break
        }
        cout.write(buf, 0, n);
        sent += n;
        if (cutThis && sent > 1_000_000) {
          client.setSoLinger(true, 0);
          return; // reset the connection mid-body
        }
      }
      up.join();
    } catch (Exception ignored) {
      // the test's assertions tell whether the relay did its job
    }
  }

  private static String entry(byte[] manifest, String arch) throws Exception {
    JsonNode n = JSON.createObjectNode().put("mediaType", "application/vnd.docker.distribution.manifest.v2+json")
        .put("digest", sha256(manifest)).put("size", manifest.length)
        .set("platform", JSON.createObjectNode().put("os", "linux").put("architecture", arch));
    return JSON.writeValueAsString(n);
  }
}
