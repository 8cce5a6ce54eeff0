package io.berth.build.java;

import io.berth.distribution.RegistryTransport;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import io.berth.oci.Digest;
import io.berth.oci.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;

/**
 * A base image layer that lives in a registry. Nothing is downloaded until a target needs the
 * bytes (a push to the same registry mounts it instead); then it is fetched once into the cache
 * directory and verified against its digest before anyone reads it.
 */
public record RemoteBlob(RegistryTransport transport, Reference repo, String mediaType, Digest digest, long size,
    Digest diffId, Path cacheDir) implements BlobSource {

  @Override
  public String remoteRepository() {
    return repo.domain() + "/" + repo.path();
  }

  @Override
  public InputStream open() throws IOException {
    Path cached = cacheDir.resolve(digest.hex());
    if (!Files.exists(cached)) {
      download(cached);
    }
    return Files.newInputStream(cached);
  }

  private void download(Path cached) throws IOException {
    Files.createDirectories(cacheDir);
    Path tmp = Files.createTempFile(cacheDir, "dl-", ".tmp");
    try {
      HttpResponse<InputStream> r = transport.send(HttpRequest.newBuilder(
          URI.create(transport.base(repo) + "/blobs/" + digest)).GET(), "repository:" + repo.path() + ":pull",
          HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() != 200) {
        r.body().close();
        throw new UnavailableException("registry " + repo.domain() + " answered " + r.statusCode() + " for blob " + digest);
      }
      MessageDigest md = Digest.newSha256();
      try (InputStream in = r.body(); OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), md)) {
        in.transferTo(out);
      }
      Digest actual = Digest.ofSha256(md);
      if (!actual.equals(digest)) {
        throw new InvalidArgumentException("base layer digest mismatch: expected " + digest + ", got " + actual);
      }
      Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
