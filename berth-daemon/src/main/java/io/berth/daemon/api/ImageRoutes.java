package io.berth.daemon.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.image.ImageService;
import io.berth.distribution.Credentials;
import io.berth.distribution.PullListener;
import io.berth.distribution.Pusher;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import io.berth.oci.ImageConfig;
import io.berth.oci.Reference;
import io.berth.store.image.Image;
import io.berth.store.image.ImageStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Image endpoints: list, inspect, history, tag, remove, prune, import ({@code fromSrc}), pull
 * ({@code fromImage}), push, load and save. The use-cases are {@link ImageService}'s; here the
 * query becomes its arguments, and its results and progress Docker's JSON.
 */
public final class ImageRoutes {
  private final ImageService images;
  private final HeapReturn heap;

  public ImageRoutes(ImageService images, HeapReturn heap) {
    this.images = images;
    this.heap = heap;
  }

  public void register(Router r) {
    r.add("GET", "/images/json", this::list);
    r.add("POST", "/images/create", heap.around(this::create));
    r.add("POST", "/images/load", heap.around(this::load));
    r.add("GET", "/images/get", this::saveMany);
    r.add("POST", "/images/prune", this::prune);
    r.add("GET", "/images/{name*}/json", this::inspect);
    r.add("GET", "/images/{name*}/history", this::history);
    r.add("GET", "/images/{name*}/get", this::saveOne);
    r.add("POST", "/images/{name*}/tag", this::tag);
    r.add("POST", "/images/{name*}/push", heap.around(this::push));
    r.add("DELETE", "/images/{name*}", this::remove);
  }

  private void list(HttpRequest q, HttpResponse s) {
    boolean danglingOnly = ContainerRoutes.filtersJson(q.query("filters")).path("dangling").toString()
        .contains("true");
    String reference = null;
    var refFilter = ContainerRoutes.filtersJson(q.query("filters")).path("reference");
    if (refFilter.isArray() && !refFilter.isEmpty()) {
      reference = refFilter.get(0).asText();
    } else if (refFilter.isObject() && refFilter.fieldNames().hasNext()) {
      reference = refFilter.fieldNames().next();
    }
    ArrayNode out = Json.array();
    for (ImageService.Listed listed : images.list(new ImageService.ListQuery(danglingOnly, reference,
        q.flag("all"), q.flag("shared-size")))) {
      Image i = listed.image();
      ObjectNode o = out.addObject();
      o.put("Id", i.id().toString());
      o.put("ParentId", "");
      ArrayNode tags = o.putArray("RepoTags");
      i.repoTags().forEach(tags::add);
      ArrayNode digests = o.putArray("RepoDigests");
      i.repoDigests().forEach(digests::add);
      o.put("Created", i.created().getEpochSecond());
      o.put("Size", i.size());
      o.put("SharedSize", -1);
      o.set("Labels", labels(i));
      o.put("Containers", listed.containers());
    }
    Json.send(s, 200, out);
  }

  private static ObjectNode labels(Image i) {
    ObjectNode l = Json.object();
    if (i.config().config() != null && i.config().config().labels() != null) {
      i.config().config().labels().forEach(l::put);
    }
    return l;
  }

  private void inspect(HttpRequest q, HttpResponse s) {
    Image i = images.get(q.param("name"));
    ObjectNode o = Json.object();
    o.put("Id", i.id().toString());
    ArrayNode tags = o.putArray("RepoTags");
    i.repoTags().forEach(tags::add);
    ArrayNode digests = o.putArray("RepoDigests");
    i.repoDigests().forEach(digests::add);
    o.put("Parent", "");
    o.put("Comment", lastComment(i.config()));
    o.put("Created", i.config().created() != null ? i.config().created() : i.created().toString());
    // dockerd dropped these in API 1.45, but docker-compose 1.29 negotiates the newest version
    // and fails on any recreate without ContainerConfig (decision 0016): kept at every version
    o.put("Container", "");
    o.set("ContainerConfig", buildContainerConfig(i.config().config()));
    o.put("DockerVersion", "");
    o.put("Author", i.config().author() == null ? "" : i.config().author());
    o.set("Config", i.config().config() == null ? Json.object() : Json.MAPPER.valueToTree(i.config().config()));
    o.put("Architecture", i.config().architecture() == null ? "amd64" : i.config().architecture());
    o.put("Os", i.config().os() == null ? "linux" : i.config().os());
    o.put("Size", i.size());
    if (ApiVersion.before(q.rawPath(), 44)) {
      o.put("VirtualSize", i.size()); // dropped in API 1.44
    }
    ObjectNode gd = o.putObject("GraphDriver");
    gd.put("Name", "overlay2");
    gd.putObject("Data");
    ObjectNode rootfs = o.putObject("RootFS");
    rootfs.put("Type", "layers");
    ArrayNode layers = rootfs.putArray("Layers");
    i.diffIds().forEach(d -> layers.add(d.toString()));
    o.putObject("Metadata").put("LastTagTime", "0001-01-01T00:00:00Z");
    Json.send(s, 200, o);
  }

  /**
   * What Docker's classic builder leaves as an image's ContainerConfig, as far as clients read
   * it: every field at its zero value (as dockerd writes an unset one) but the image's volumes,
   * which docker-compose 1.29 carries over to a recreated container.
   */
  private static ObjectNode buildContainerConfig(io.berth.oci.ContainerConfig image) {
    ObjectNode c = Json.object();
    for (String f : List.of("Hostname", "Domainname", "User")) {
      c.put(f, "");
    }
    for (String f : List.of("AttachStdin", "AttachStdout", "AttachStderr", "Tty", "OpenStdin", "StdinOnce")) {
      c.put(f, false);
    }
    c.putNull("Env");
    c.putNull("Cmd");
    c.put("Image", "");
    if (image != null && image.volumes() != null && !image.volumes().isEmpty()) {
      ObjectNode v = c.putObject("Volumes");
      image.volumes().keySet().forEach(v::putObject);
    } else {
      c.putNull("Volumes");
    }
    c.put("WorkingDir", "");
    c.putNull("Entrypoint");
    c.putNull("OnBuild");
    c.putNull("Labels");
    return c;
  }

  private static String lastComment(ImageConfig cfg) {
    if (cfg.history() == null || cfg.history().isEmpty()) {
      return "";
    }
    String c = cfg.history().getLast().comment();
    return c == null ? "" : c;
  }

  private void history(HttpRequest q, HttpResponse s) {
    ArrayNode out = Json.array();
    for (ImageService.HistoryEntry h : images.history(q.param("name"))) {
      ObjectNode o = out.addObject();
      o.put("Id", h.id());
      o.put("Created", h.created());
      o.put("CreatedBy", h.createdBy());
      ArrayNode tags = o.putArray("Tags");
      h.tags().forEach(tags::add);
      o.put("Size", h.size());
      o.put("Comment", h.comment());
    }
    Json.send(s, 200, out);
  }

  private void tag(HttpRequest q, HttpResponse s) {
    images.tag(q.param("name"), q.query("repo"), q.query("tag"));
    s.send(201, null, new byte[0]);
  }

  private void remove(HttpRequest q, HttpResponse s) {
    ArrayNode out = Json.array();
    for (ImageStore.DeleteItem d : images.remove(q.param("name"), q.flag("force"))) {
      if (d.untagged() != null) {
        out.addObject().put("Untagged", d.untagged());
      } else {
        out.addObject().put("Deleted", d.deleted());
      }
    }
    Json.send(s, 200, out);
  }

  private void prune(HttpRequest q, HttpResponse s) {
    var f = ContainerRoutes.filtersJson(q.query("filters")).path("dangling");
    ImageStore.PruneResult r = images.prune(f.toString().contains("false"));
    ObjectNode out = Json.object();
    ArrayNode del = out.putArray("ImagesDeleted");
    for (ImageStore.DeleteItem d : r.deleted()) {
      if (d.untagged() != null) {
        del.addObject().put("Untagged", d.untagged());
      } else {
        del.addObject().put("Deleted", d.deleted());
      }
    }
    out.put("SpaceReclaimed", r.spaceReclaimed());
    Json.send(s, 200, out);
  }

  /** {@code fromSrc=-} imports the body as a root filesystem; {@code fromImage} pulls. */
  private void create(HttpRequest q, HttpResponse s) throws IOException {
    String fromSrc = q.query("fromSrc");
    if (fromSrc == null) {
      pull(q, s);
      return;
    }
    if (!fromSrc.equals("-")) {
      throw new InvalidArgumentException("importing from a URL is not supported; pass the tar as the request body (fromSrc=-)");
    }
    Image i = images.importRootfs(q.body(), q.query("repo"), q.query("tag"), q.queryAll("changes"),
        q.query("message"));
    OutputStream out = s.stream(200, "application/json");
    out.write(Json.line(Json.object().put("status", i.id().toString())));
    out.close();
  }

  /**
   * {@code docker pull}: resolves the reference before answering (so a bad name is a 4xx), then
   * streams docker's JSON progress; errors after that point are sent as an {@code error} line.
   */
  private void pull(HttpRequest q, HttpResponse s) throws IOException {
    Reference ref = ImageService.pullReference(q.query("fromImage"), q.query("tag"));
    Reference shown = ref.withDefaultTag();
    OutputStream out = s.stream(200, "application/json");
    out.write(Json.line(Json.object().put("status", "Pulling from " + ref.repository())
        .put("id", shown.tag() != null ? shown.tag() : shown.digest().toString())));
    try {
      ImageService.PullResult p = images.pull(ref, q.query("platform"), credentials(q), progress(out, true));
      out.write(Json.line(Json.object().put("status", "Digest: " + p.manifestDigest())));
      out.write(Json.line(Json.object().put("status", "Status: Downloaded newer image for " + shown.familiarString())));
    } catch (BerthException | UncheckedIOException e) {
      progressError(out, e);
    }
    out.close();
  }

  /** {@code docker push}: docker's JSON progress stream, ending with the digest line and aux. */
  private void push(HttpRequest q, HttpResponse s) throws IOException {
    ImageService.PushTarget target = images.pushTarget(q.param("name"), q.query("tag"), q.query("compression"));
    Reference ref = target.ref();
    OutputStream out = s.stream(200, "application/json");
    out.write(Json.line(Json.object().put("status", "The push refers to repository [" + ref.name() + "]")));
    try {
      Pusher.Pushed p = images.push(target, credentials(q), progress(out, false));
      out.write(Json.line(Json.object().put("status", ref.tag() + ": digest: " + p.digest() + " size: " + p.size())));
      ObjectNode aux = Json.object();
      aux.putObject("progressDetail");
      aux.putObject("aux").put("Tag", ref.tag()).put("Digest", p.digest().toString()).put("Size", p.size());
      out.write(Json.line(aux));
    } catch (BerthException | UncheckedIOException e) {
      progressError(out, e);
    }
    out.close();
  }

  /**
   * Progress as docker's JSON lines; {@code bytes}: a pull's "Downloading" lines carry how far
   * it got (a push's lines do not).
   */
  private static PullListener progress(OutputStream out, boolean bytes) {
    return (id, status, current, total) -> {
      ObjectNode line = Json.object().put("status", status).put("id", id);
      if (bytes && status.equals("Downloading")) {
        line.putObject("progressDetail").put("current", current).put("total", total);
      } else {
        line.putObject("progressDetail");
      }
      try {
        out.write(Json.line(line));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  /** The credentials the client sent for the registry (X-Registry-Auth). */
  static Credentials credentials(HttpRequest q) {
    return Credentials.fromHeader(q.header("x-registry-auth"));
  }

  /** Once a progress stream has started, errors travel in it as docker's error line. */
  private static void progressError(OutputStream out, RuntimeException e) throws IOException {
    ObjectNode err = Json.object();
    err.putObject("errorDetail").put("message", e.getMessage());
    err.put("error", e.getMessage());
    out.write(Json.line(err));
  }

  private void load(HttpRequest q, HttpResponse s) throws IOException {
    ImageStore.LoadResult r = images.load(q.body());
    OutputStream out = s.stream(200, "application/json");
    for (String t : r.tags()) {
      out.write(Json.line(Json.object().put("stream", "Loaded image: " + t + "\n")));
    }
    for (Image i : r.images()) {
      if (i.repoTags().isEmpty()) {
        out.write(Json.line(Json.object().put("stream", "Loaded image ID: " + i.id() + "\n")));
      }
    }
    out.close();
  }

  private void saveMany(HttpRequest q, HttpResponse s) throws IOException {
    images.save(q.queryAll("names"), () -> s.stream(200, "application/x-tar"));
  }

  private void saveOne(HttpRequest q, HttpResponse s) throws IOException {
    images.save(List.of(q.param("name")), () -> s.stream(200, "application/x-tar"));
  }
}
