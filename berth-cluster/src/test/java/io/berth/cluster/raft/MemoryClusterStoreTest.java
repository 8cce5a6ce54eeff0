package io.berth.cluster.raft;

class MemoryClusterStoreTest extends ClusterStoreConformance {
  @Override
  protected ClusterStore open() {
    return new MemoryClusterStore();
  }
}
