package io.berth.build.java;

import io.berth.oci.Digest;
import java.io.IOException;
import java.io.InputStream;

/**
 * A layer or config the output needs, wherever its bytes live (a file written here, a cached
 * download, a base image's registry): its descriptor, its diff id, and a way to read it. A blob
 * that stays in a registry names that registry and repository, so a push to the same registry
 * can mount it instead of moving the bytes.
 */
public interface BlobSource {
  String mediaType();

  Digest digest();

  long size();

  /** The uncompressed digest (layers), or null for a config. */
  Digest diffId();

  InputStream open() throws IOException;

  /** {@code domain/repository} when the blob already sits in a registry, else null. */
  default String remoteRepository() {
    return null;
  }
}
