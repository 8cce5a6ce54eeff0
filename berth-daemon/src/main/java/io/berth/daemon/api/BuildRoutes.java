package io.berth.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.build.executor.BuildImage;
import io.berth.build.executor.BuildRequest;
import io.berth.daemon.build.DockerfileBuilder;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.ErrorText;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import io.berth.oci.Reference;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /build}, the classic builder protocol {@code docker build} speaks with
 * {@code DOCKER_BUILDKIT=0}: the body is the context tar; progress is a stream of
 * {@code {"stream": ...}} lines, then {@code {"aux":{"ID":...}}}; a failure after the stream
 * started is an {@code error} line. Parameters are checked before anything is unpacked.
 */
public final class BuildRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(BuildRoutes.class);
  private final DockerfileBuilder builder;
  private final io.berth.daemon.image.ImageService images;
  private final HeapReturn heap;

  /** {@code images}: where missing bases are pulled from their registries. */
  public BuildRoutes(DockerfileBuilder builder, io.berth.daemon.image.ImageService images, HeapReturn heap) {
    this.heap = heap;
    this.builder = builder;
    this.images = images;
  }

  public void register(Router r) {
    r.add("POST", "/build", heap.around(this::build));
    r.add("POST", "/build/prune", (q, s) -> Json.send(s, 200, Json.object().put("SpaceReclaimed", 0)
        .set("CachesDeleted", Json.array())));
  }

  private void build(HttpRequest q, HttpResponse s) throws IOException {
    if (q.query("remote") != null && !q.query("remote").isEmpty()) {
      throw new InvalidArgumentException("building from a remote context is not supported; send the context as a tar");
    }
    String pull = q.query("pull");
    boolean always = pull != null && !pull.isEmpty() && !pull.equals("0") && !pull.equalsIgnoreCase("false");
    String registryConfig = q.header("x-registry-config");
    io.berth.distribution.Credentials.fromConfigHeader(registryConfig, "docker.io"); // a bad header fails here
    String platform = q.query("platform");
    if (platform != null && !platform.isEmpty() && !platform.equals("linux/amd64") && !platform.equals("linux")) {
      throw new InvalidArgumentException("only linux/amd64 images can be built here, not " + platform);
    }
    List<String> tags = new ArrayList<>();
    for (String t : q.queryAll("t")) {
      tags.add(Reference.parse(t).withDefaultTag().familiarString());
    }
    Map<String, String> args = jsonMap(q.query("buildargs"), "buildargs");
    Map<String, String> labels = jsonMap(q.query("labels"), "labels");
    boolean quiet = q.flag("q");
    String network = q.query("networkmode") == null || q.query("networkmode").isEmpty()
        || q.query("networkmode").equals("default") ? "bridge" : q.query("networkmode");
    if (!List.of("bridge", "host", "none").contains(network)) {
      throw new InvalidArgumentException("network mode " + network + " is not supported for builds (bridge, host or none)");
    }
    try (DockerfileBuilder.Context context = builder.unpack(q.body())) {
      OutputStream out = s.stream(200, "application/json");
      BuildRequest req = new BuildRequest(context.dir(), q.query("dockerfile"), args,
          q.query("target"), q.flag("nocache"), labels, tags, network);
      try {
        java.util.function.Consumer<String> stream = text -> {
          if (!quiet) {
            write(out, Json.object().put("stream", text));
          }
        };
        BuildImage img = builder.build(req, stream, new io.berth.daemon.build.BasePulls(images, always,
            registry -> io.berth.distribution.Credentials.fromConfigHeader(registryConfig, registry), stream));
        ObjectNode aux = Json.object();
        aux.putObject("aux").put("ID", img.id().toString());
        write(out, aux);
        write(out, Json.object().put("stream", "Successfully built " + img.id().shortHex() + "\n"));
        for (String t : tags) {
          write(out, Json.object().put("stream", "Successfully tagged " + t + "\n"));
        }
      } catch (RuntimeException e) {
        // the stream has started: a failure of any kind ends it with Docker's error line
        if (!(e instanceof BerthException) && !(e instanceof UncheckedIOException)) {
          LOG.warn("build failed", e);
        }
        String message = ErrorText.of(e);
        ObjectNode err = Json.object();
        err.putObject("errorDetail").put("message", message);
        err.put("error", message);
        write(out, err);
      }
      out.close();
    }
  }

  private static void write(OutputStream out, ObjectNode line) {
    try {
      out.write(Json.line(line));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> jsonMap(String text, String what) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return out;
    }
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new InvalidArgumentException(what + " is not JSON: " + e.getMessage());
    }
    if (!n.isObject()) {
      throw new InvalidArgumentException(what + " must be a JSON object");
    }
    n.fields().forEachRemaining(e -> {
      if (!e.getValue().isNull()) {
        out.put(e.getKey(), e.getValue().asText());
      }
    });
    return out;
  }
}
