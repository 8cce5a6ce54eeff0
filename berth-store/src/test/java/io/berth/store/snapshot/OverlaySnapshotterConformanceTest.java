package io.berth.store.snapshot;

import io.berth.store.content.ContentStore;
import java.nio.file.Path;

class OverlaySnapshotterConformanceTest extends SnapshotterConformance {
  @Override
  protected Snapshotter newSnapshotter(Path dir, ContentStore content) {
    return new OverlaySnapshotter(dir, content);
  }
}
