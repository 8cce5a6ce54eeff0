package io.berth.store.image;

import java.util.List;

/**
 * Looking images up: what a container's creation, {@code docker images} or a build's {@code FROM}
 * need. Names are image references as users type them ({@code busybox}, {@code shop/order:1},
 * {@code host:5000/a/b@sha256:...}) or (short) ids. The lease is here because a reader that goes
 * on to use what it found (a container's root file system made from the image's layers) must keep
 * it from being reclaimed meanwhile.
 */
public interface ImageReader {

  /** Resolves a reference, a full id, or an unambiguous id prefix. Throws NotFoundException. */
  Image resolve(String nameOrId);

  List<Image> list();

  /** Uncompressed size in bytes of the image's layer number {@code index} (0 = bottom). */
  long layerSize(Image image, int index);

  /**
   * Held (closed when done) by an operation that stores blobs or unpacks layers before it records
   * an image (a pull, a build, a container's root file system being prepared): while any lease is
   * held, nothing unused is deleted, so nothing it found or stored can vanish before it is named.
   * Import, load, save and registerPulled take one of their own. Take it before anything it
   * protects is looked at.
   */
  Lease lease();

  /** See {@link #lease()}; closing twice is harmless. */
  interface Lease extends AutoCloseable {
    @Override
    void close();
  }
}
