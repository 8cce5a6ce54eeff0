package io.berth.store.content;

class MemoryContentStoreConformanceTest extends ContentStoreConformance {
  @Override
  protected ContentStore newStore() {
    return new MemoryContentStore();
  }
}
