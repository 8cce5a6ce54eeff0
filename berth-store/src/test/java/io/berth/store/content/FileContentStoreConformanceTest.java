package io.berth.store.content;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileContentStoreConformanceTest extends ContentStoreConformance {
  @TempDir Path tmp;

  @Override
  protected ContentStore newStore() {
    return new FileContentStore(tmp.resolve("content"));
  }
}
