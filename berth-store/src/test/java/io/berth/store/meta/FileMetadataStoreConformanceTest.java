package io.berth.store.meta;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileMetadataStoreConformanceTest extends MetadataStoreConformance {
  @TempDir Path tmp;

  @Override
  protected MetadataStore newStore() {
    return new FileMetadataStore(tmp.resolve("metadata"));
  }
}
