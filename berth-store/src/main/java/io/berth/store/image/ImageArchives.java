package io.berth.store.image;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/** Images in and out as one tar: {@code docker load} and {@code docker save}. */
public interface ImageArchives {

  /** Loads a docker-archive ({@code docker save}) or OCI image layout tar; returns what it named. */
  LoadResult load(InputStream archive);

  /** Writes the images named into a docker-archive that also is an OCI image layout. */
  void save(List<String> names, OutputStream out);

  /** What a load brought in; {@code tags} may be empty when the archive named no tags. */
  record LoadResult(List<Image> images, List<String> tags) {}
}
