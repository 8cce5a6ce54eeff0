package io.berth.store.meta;

class MemoryMetadataStoreConformanceTest extends MetadataStoreConformance {
  @Override
  protected MetadataStore newStore() {
    return new MemoryMetadataStore();
  }
}
