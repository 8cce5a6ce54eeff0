package io.berth.distribution;

import io.berth.oci.Digest;
import java.util.List;

/**
 * What the registry holds under a reference, without pulling it: the manifest (or manifest
 * list) descriptor and the platforms it serves. {@code docker service create} asks for this
 * ({@code GET /distribution/NAME/json}) to pin the service's image to a digest.
 */
public record Described(String mediaType, Digest digest, long size, List<Platform> platforms) {
  /** One platform the image is made for. */
  public record Platform(String os, String architecture, String variant) {}

  public Described {
    platforms = List.copyOf(platforms);
  }
}
