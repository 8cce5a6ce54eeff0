package io.berth.daemon.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.events.EventBus;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.distribution.LayerIndex;
import io.berth.distribution.Pulled;
import io.berth.distribution.Pusher;
import io.berth.distribution.RegistryClient;
import io.berth.oci.ImageConfig;
import io.berth.oci.Reference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.store.image.Image;
import io.berth.store.content.ContentStore;
import io.berth.store.image.ImageStore;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Image endpoints: list, inspect, history, tag, remove, prune, import ({@code fromSrc}),
 * load and save. Pull ({@code fromImage}) needs registry support, which is not built yet: it
 * answers with a clear error instead of pretending.
 */
public final class ImageRoutes {
  private final ImageStore images;
  private final ContainerService containers;
  private final EventBus events;
  private final ContentStore content;
  private final java.nio.file.Path pushScratch;
  private final LayerIndex layerIndex;
  private final io.berth.distribution.RegistryAccess access;
  private final java.util.function.Predicate<String> intermediate;
  private final HeapReturn heap;

  public ImageRoutes(ImageStore images, ContainerService containers, EventBus events, ContentStore content,
      java.nio.file.Path pushScratch, LayerIndex layerIndex, io.berth.distribution.RegistryAccess access,
      java.util.function.Predicate<String> intermediate, HeapReturn heap) {
    this.heap = heap;
    this.access = access;
    this.intermediate = intermediate;
    this.pushScratch = pushScratch;
    this.layerIndex = layerIndex;
    this.images = images;
    this.containers = containers;
    this.events = events;
    this.content = content;
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
    List<Image> list = new ArrayList<>(images.list());
    list.sort((a, b) -> b.created().compareTo(a.created()));
    for (Image i : list) {
      if (danglingOnly && !i.repoTags().isEmpty()) {
        continue;
      }
      if (!q.flag("all") && i.repoTags().isEmpty() && intermediate.test(i.id().toString())) {
        continue; // a build step's image: shown with -a, as Docker's intermediate images
      }
      if (reference != null) {
        String ref = reference;
        boolean match = i.repoTags().stream().anyMatch(t -> t.equals(ref) || t.startsWith(ref + ":")
            || globMatch(ref, t));
        if (!match) {
          continue;
        }
      }
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
      o.put("Containers", q.flag("shared-size") ? (int) containers.list().stream()
          .filter(c -> c.imageId.equals(i.id().toString())).count() : -1);
    }
    Json.send(s, 200, out);
  }

  private static boolean globMatch(String pattern, String tag) {
    String re = pattern.replace(".", "\\.").replace("*", "[^/]*").replace("?", ".");
    return tag.matches(re) || tag.matches(re + ":.*");
  }

  private static ObjectNode labels(Image i) {
    ObjectNode l = Json.object();
    if (i.config().config() != null && i.config().config().labels() != null) {
      i.config().config().labels().forEach(l::put);
    }
    return l;
  }

  private void inspect(HttpRequest q, HttpResponse s) {
    Image i = images.resolve(q.param("name"));
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
    Image i = images.resolve(q.param("name"));
    ArrayNode out = Json.array();
    List<ImageConfig.History> hist = i.config().history() == null ? List.of() : i.config().history();
    int layer = i.layers().size() - 1;
    List<ObjectNode> rows = new ArrayList<>();
    for (int k = hist.size() - 1; k >= 0; k--) {
      ImageConfig.History h = hist.get(k);
      ObjectNode o = Json.object();
      boolean empty = Boolean.TRUE.equals(h.emptyLayer());
      o.put("Id", k == hist.size() - 1 ? i.id().toString() : "<missing>");
      o.put("Created", h.created() == null ? 0 : Instant.parse(h.created()).getEpochSecond());
      o.put("CreatedBy", h.createdBy() == null ? "" : h.createdBy());
      ArrayNode tags = o.putArray("Tags");
      if (k == hist.size() - 1) {
        i.repoTags().forEach(tags::add);
      }
      o.put("Size", empty || layer < 0 ? 0 : images.layerSize(i, layer));
      o.put("Comment", h.comment() == null ? "" : h.comment());
      if (!empty) {
        layer--;
      }
      rows.add(o);
    }
    rows.forEach(out::add);
    Json.send(s, 200, out);
  }

  private void tag(HttpRequest q, HttpResponse s) {
    String repo = q.query("repo");
    if (repo == null || repo.isEmpty()) {
      throw new InvalidArgumentException("repository name must have at least one component");
    }
    String tag = q.query("tag");
    String target = tag == null || tag.isEmpty() ? repo : repo + ":" + tag;
    Image i = images.resolve(q.param("name"));
    images.tag(q.param("name"), target);
    events.publish("image", "tag", i.id().toString(), Map.of("name", target));
    s.send(201, null, new byte[0]);
  }

  private void remove(HttpRequest q, HttpResponse s) {
    List<ImageStore.DeleteItem> items = images.remove(q.param("name"), q.flag("force"),
        containers::imageInUse);
    ArrayNode out = Json.array();
    for (ImageStore.DeleteItem d : items) {
      if (d.untagged() != null) {
        out.addObject().put("Untagged", d.untagged());
        events.publish("image", "untag", d.untagged(), Map.of("name", d.untagged()));
      } else {
        out.addObject().put("Deleted", d.deleted());
        events.publish("image", "delete", d.deleted(), Map.of("name", d.deleted()));
      }
    }
    Json.send(s, 200, out);
  }

  private void prune(HttpRequest q, HttpResponse s) {
    var f = ContainerRoutes.filtersJson(q.query("filters")).path("dangling");
    boolean all = f.toString().contains("false");
    ImageStore.PruneResult r = images.prune(all, containers::imageInUse);
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

  /** {@code fromSrc=-} imports the body as a root filesystem; {@code fromImage} would pull. */
  private void create(HttpRequest q, HttpResponse s) throws IOException {
    String fromSrc = q.query("fromSrc");
    if (fromSrc == null) {
      pull(q, s);
      return;
    }
    if (!fromSrc.equals("-")) {
      throw new InvalidArgumentException("importing from a URL is not supported; pass the tar as the request body (fromSrc=-)");
    }
    String repo = q.query("repo");
    String tag = q.query("tag");
    String target = repo == null || repo.isEmpty() ? null : (tag == null || tag.isEmpty() ? repo : repo + ":" + tag);
    Image i;
    try {
      i = images.importRootfs(q.body(), new ImageStore.ImportOptions(target, q.queryAll("changes"),
          q.query("message"), null));
    } catch (BerthException e) {
      throw e;
    }
    events.publish("image", "import", i.id().toString(), Map.of("name", target == null ? "" : target));
    OutputStream out = s.stream(200, "application/json");
    out.write(Json.line(Json.object().put("status", i.id().toString())));
    out.close();
  }

  /**
   * {@code docker pull}: resolves the reference before answering (so a bad name is a 4xx), then
   * streams docker's JSON progress; errors after that point are sent as an {@code error} line.
   */
  private void pull(HttpRequest q, HttpResponse s) throws IOException {
    String from = q.query("fromImage");
    if (from == null || from.isEmpty()) {
      throw new InvalidArgumentException("fromImage or fromSrc is required");
    }
    String tag = q.query("tag");
    String name = tag == null || tag.isEmpty() ? from : (tag.startsWith("sha256:") ? from + "@" + tag : from + ":" + tag);
    Reference ref = Reference.parse(name);
    Reference shown = ref.withDefaultTag();
    OutputStream out = s.stream(200, "application/json");
    out.write(Json.line(Json.object().put("status", "Pulling from " + ref.repository())
        .put("id", shown.tag() != null ? shown.tag() : shown.digest().toString())));
    // the lease keeps what the pull finds stored ("Already exists") or stores until its image is recorded
    try (ImageStore.Lease lease = images.lease()) {
      Pulled p = new RegistryClient(content, layerIndex, withAuth(q)).pull(ref, q.query("platform"), (id, status, current, total) -> {
        ObjectNode line = Json.object().put("status", status).put("id", id);
        if (status.equals("Downloading")) {
          line.putObject("progressDetail").put("current", current).put("total", total);
        } else {
          line.putObject("progressDetail");
        }
        try {
          out.write(Json.line(line));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }, images::unpackLayer);
      Image img = images.registerPulled(p.config(), p.layers(), shown.tag() != null ? shown.toString() : null);
      images.addRepoDigest(ref, p.manifestDigest(), img.id());
      out.write(Json.line(Json.object().put("status", "Digest: " + p.manifestDigest())));
      out.write(Json.line(Json.object().put("status", "Status: Downloaded newer image for " + shown.familiarString())));
      events.publish("image", "pull", img.id().toString(), Map.of("name", shown.familiarString()));
    } catch (BerthException | java.io.UncheckedIOException e) {
      progressError(out, e);
    }
    out.close();
  }

  /** {@code docker push}: docker's JSON progress stream, ending with the digest line and aux. */
  private void push(HttpRequest q, HttpResponse s) throws IOException {
    String tag = q.query("tag");
    String name = q.param("name") + (tag == null || tag.isEmpty() ? "" : ":" + tag);
    Reference ref = Reference.parse(name).withDefaultTag();
    Image img = images.resolve(ref.toString());
    compression(q);
    OutputStream out = s.stream(200, "application/json");
    out.write(Json.line(Json.object().put("status", "The push refers to repository [" + ref.name() + "]")));
    try {
      Pusher.Pushed p = new Pusher(content, pushScratch, layerIndex, withAuth(q)).push(ref, img, compression(q), (id, status, current, total) -> {
        try {
          out.write(Json.line(Json.object().put("status", status).put("id", id).set("progressDetail", Json.object())));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      images.addRepoDigest(ref, p.digest(), img.id());
      out.write(Json.line(Json.object().put("status", ref.tag() + ": digest: " + p.digest() + " size: " + p.size())));
      ObjectNode aux = Json.object();
      aux.putObject("progressDetail");
      aux.putObject("aux").put("Tag", ref.tag()).put("Digest", p.digest().toString()).put("Size", p.size());
      out.write(Json.line(aux));
      events.publish("image", "push", img.id().toString(), Map.of("name", ref.familiarString()));
    } catch (BerthException | java.io.UncheckedIOException e) {
      progressError(out, e);
    }
    out.close();
  }

  /**
   * Berth's push extension {@code compression=gzip|zstd} (docker has no such parameter; docker
   * clients get gzip). Checked before the progress stream starts, so a typo is a 400.
   */
  private static io.berth.distribution.LayerIndex.Kind compression(HttpRequest q) {
    String c = q.query("compression");
    if (c == null || c.isEmpty() || c.equals("gzip")) {
      return io.berth.distribution.LayerIndex.Kind.GZIP;
    }
    if (c.equals("zstd")) {
      return io.berth.distribution.LayerIndex.Kind.ZSTD;
    }
    throw new io.berth.errdefs.InvalidArgumentException("unknown compression " + c + ": use gzip or zstd");
  }

  /** The daemon's registry settings with the credentials the client sent (X-Registry-Auth). */
  private io.berth.distribution.RegistryAccess withAuth(HttpRequest q) {
    return access.with(io.berth.distribution.Credentials.fromHeader(q.header("x-registry-auth")));
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
      events.publish("image", "load", i.id().toString(), Map.of("name", i.id().toString()));
    }
    out.close();
  }

  private void saveMany(HttpRequest q, HttpResponse s) throws IOException {
    save(q.queryAll("names"), s);
  }

  private void saveOne(HttpRequest q, HttpResponse s) throws IOException {
    save(List.of(q.param("name")), s);
  }

  private void save(List<String> names, HttpResponse s) throws IOException {
    if (names.isEmpty()) {
      throw new InvalidArgumentException("no images named");
    }
    for (String n : names) {
      images.resolve(n);
    }
    OutputStream out = s.stream(200, "application/x-tar");
    images.save(names, new java.io.BufferedOutputStream(out, 256 * 1024) {
      @Override
      public void close() throws IOException {
        flush();
      }
    });
    out.close();
    for (String n : names) {
      events.publish("image", "save", images.resolve(n).id().toString(), Map.of("name", n));
    }
  }
}
