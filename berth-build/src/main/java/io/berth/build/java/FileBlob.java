package io.berth.build.java;

import io.berth.oci.Digest;
import io.berth.oci.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** A gzip layer in a local file whose digests are already known (written or downloaded here). */
public record FileBlob(Path file, Digest digest, long size, Digest diffId) implements BlobSource {
  public static FileBlob of(ReproducibleLayerWriter.Written w) {
    return new FileBlob(w.gzip(), w.digest(), w.size(), w.diffId());
  }

  @Override
  public String mediaType() {
    return MediaTypes.DOCKER_LAYER_GZIP;
  }

  @Override
  public InputStream open() throws IOException {
    return Files.newInputStream(file);
  }
}
