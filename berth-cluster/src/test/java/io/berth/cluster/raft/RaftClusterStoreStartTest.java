package io.berth.cluster.raft;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a member refuses before it starts, and how a failed start reads. */
class RaftClusterStoreStartTest {
  @TempDir Path dir;

  @Test
  void aTakenPortFailsTheStartNamingTheMemberAndAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      RaftMember self = new RaftMember("m1", "127.0.0.1:" + taken.getLocalPort());
      assertThatThrownBy(() -> RaftClusterStore.start(
              RaftStoreConfig.of(self, UUID.randomUUID(), List.of(self), dir)))
          .isInstanceOf(UnavailableException.class)
          .hasMessageContaining("m1")
          .hasMessageContaining(self.address())
          .hasMessageContaining("in use");
    }
  }

  @Test
  void badMembersAndConfigsAreInvalidArguments() {
    assertThatThrownBy(() -> new RaftMember("has space", "127.0.0.1:1"))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> new RaftMember("m1", "no-port"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("host:port");
    RaftMember m1 = new RaftMember("m1", "127.0.0.1:1");
    RaftMember m2 = new RaftMember("m2", "127.0.0.1:2");
    assertThatThrownBy(() -> RaftStoreConfig.of(m1, UUID.randomUUID(), List.of(m2), dir))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not among its peers");
    assertThatThrownBy(() -> RaftStoreConfig.of(m1, UUID.randomUUID(), List.of(m1), dir).withSnapshotEvery(0))
        .isInstanceOf(InvalidArgumentException.class);
  }
}
