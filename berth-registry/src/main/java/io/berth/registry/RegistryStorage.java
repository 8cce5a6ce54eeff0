package io.berth.registry;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Digest;
import io.berth.store.content.FileContentStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The registry's files. Bytes live once in the content store ({@code blobs/sha256/...},
 * {@code blobs/sha512/...}, shared by all repositories and verified before they appear); each
 * repository only holds small link files saying which blobs and manifests it has and where its
 * tags point:
 * <pre>
 *   repositories/NAME/_layers/ID                  blob is in this repository
 *   repositories/NAME/_manifests/revisions/ID     manifest is in this repository (content: media type)
 *   repositories/NAME/_manifests/tags/TAG         content: the manifest digest
 *   repositories/NAME/_referrers/SUBJECTID/ID     ID names SUBJECTID as its subject
 * </pre>
 * An ID is the hex of a sha256 digest (the layout from before other algorithms were accepted) or
 * the whole digest, {@code sha512:HEX}, for any other algorithm: a link is always keyed by the
 * full digest. Every link is written to a temporary file and renamed, so a reader never sees half
 * a link.
 */
public final class RegistryStorage {
  private final Path root;
  private final FileContentStore blobs;

  public RegistryStorage(Path root) {
    this.root = root;
    this.blobs = new FileContentStore(root);
    try {
      Files.createDirectories(root.resolve("repositories"));
      Files.createDirectories(root.resolve("uploads"));
    } catch (IOException e) {
      throw new UncheckedIOException("creating registry storage at " + root, e);
    }
  }

  public Path root() {
    return root;
  }

  public FileContentStore blobs() {
    return blobs;
  }

  Path uploads() {
    return root.resolve("uploads");
  }

  /** The file name that stands for a digest in link directories (see the class comment). */
  static String linkName(Digest d) {
    return d.algorithm().equals("sha256") ? d.hex() : d.toString();
  }

  /** The digest a link file name stands for, or null for a name that is none. */
  static Digest fromLinkName(String name) {
    try {
      return name.indexOf(':') > 0 ? Digest.parse(name) : new Digest("sha256", name);
    } catch (InvalidArgumentException e) {
      return null;
    }
  }

  private Path repo(String name) {
    return root.resolve("repositories").resolve(RepositoryName.check(name));
  }

  public boolean hasBlob(String name, Digest d) {
    return Files.exists(repo(name).resolve("_layers").resolve(linkName(d))) && blobs.exists(d);
  }

  public void linkBlob(String name, Digest d) {
    writeLink(repo(name).resolve("_layers").resolve(linkName(d)), "");
  }

  /** Removes the repository's link to a blob; the bytes go when the garbage collector runs. */
  public boolean unlinkBlob(String name, Digest d) {
    return delete(repo(name).resolve("_layers").resolve(linkName(d)));
  }

  /** Stores a verified file as a blob by moving it into place (same file system: no copy). */
  public void adopt(Path file, Digest d) {
    blobs.adopt(file, d);
  }

  /** The media type a manifest was pushed with, if the repository has it. */
  public Optional<String> manifestType(String name, Digest d) {
    Path link = repo(name).resolve("_manifests/revisions").resolve(linkName(d));
    try {
      return blobs.exists(d) ? Optional.of(Files.readString(link)) : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void putManifest(String name, Digest d, String mediaType) {
    writeLink(repo(name).resolve("_manifests/revisions").resolve(linkName(d)), mediaType);
  }

  public Optional<Digest> tag(String name, String tag) {
    try {
      return Optional.of(Digest.parse(Files.readString(repo(name).resolve("_manifests/tags").resolve(tag)).strip()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void putTag(String name, String tag, Digest d) {
    writeLink(repo(name).resolve("_manifests/tags").resolve(tag), d.toString());
  }

  public boolean deleteTag(String name, String tag) {
    return delete(repo(name).resolve("_manifests/tags").resolve(tag));
  }

  /** Deletes a manifest from a repository with every tag that pointed at it. */
  public boolean deleteManifest(String name, Digest d) {
    boolean had = delete(repo(name).resolve("_manifests/revisions").resolve(linkName(d)));
    for (String t : tags(name)) {
      if (tag(name, t).filter(d::equals).isPresent()) {
        deleteTag(name, t);
      }
    }
    return had;
  }

  public List<String> tags(String name) {
    return sortedNames(repo(name).resolve("_manifests/tags"));
  }

  public boolean exists(String name) {
    return Files.isDirectory(repo(name));
  }

  public void addReferrer(String name, Digest subject, Digest manifest) {
    writeLink(repo(name).resolve("_referrers").resolve(linkName(subject)).resolve(linkName(manifest)), "");
  }

  /** Manifests of this repository that name {@code subject}, still present. */
  public List<Digest> referrers(String name, Digest subject) {
    List<Digest> out = new ArrayList<>();
    for (Digest d : linked(repo(name).resolve("_referrers").resolve(linkName(subject)))) {
      if (manifestType(name, d).isPresent()) {
        out.add(d);
      }
    }
    return out;
  }

  /** Every repository name, sorted: the directories that hold a {@code _manifests} or {@code _layers}. */
  public List<String> repositories() {
    TreeSet<String> out = new TreeSet<>();
    Path base = root.resolve("repositories");
    try (Stream<Path> s = Files.walk(base)) {
      s.filter(p -> p.getFileName().toString().equals("_manifests") || p.getFileName().toString().equals("_layers"))
          .forEach(p -> out.add(base.relativize(p.getParent()).toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ArrayList<>(out);
  }

  /** Digests of every manifest revision of a repository. */
  public List<Digest> revisions(String name) {
    return linked(repo(name).resolve("_manifests/revisions"));
  }

  /** Digests of every blob linked into a repository. */
  public List<Digest> linkedBlobs(String name) {
    return linked(repo(name).resolve("_layers"));
  }

  /** The digests a directory's link files stand for. */
  private static List<Digest> linked(Path dir) {
    List<Digest> out = new ArrayList<>();
    for (String n : sortedNames(dir)) {
      Digest d = fromLinkName(n);
      if (d != null) {
        out.add(d);
      }
    }
    return out;
  }

  private static List<String> sortedNames(Path dir) {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        String n = p.getFileName().toString();
        if (!n.startsWith(".tmp-")) {
          out.add(n);
        }
      }
    } catch (NoSuchFileException e) {
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.sort(null);
    return out;
  }

  private static void writeLink(Path link, String content) {
    try {
      Files.createDirectories(link.getParent());
      Path tmp = Files.createTempFile(link.getParent(), ".tmp-", "");
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + link, e);
    }
  }

  private static boolean delete(Path p) {
    try {
      return Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("deleting " + p, e);
    }
  }
}
