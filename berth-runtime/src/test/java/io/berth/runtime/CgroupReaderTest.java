package io.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block I/O and network figures of stats and metrics, from the kernel's file formats. */
class CgroupReaderTest {
  @TempDir Path dir;

  @Test
  void blockBytesOfV1AddUpReadAndWriteOverDevicesSkippingTotal() throws Exception {
    Path f = Files.writeString(dir.resolve("io_service_bytes"), """
        8:0 Read 4096
        8:0 Write 8192
        8:0 Sync 100
        8:16 Read 1000
        8:16 Write 0
        Total 13388
        """);
    assertThat(CgroupReader.ioStatV1(f)).containsExactly(5096, 8192);
  }

  @Test
  void blockBytesOfV2ComeFromRbytesAndWbytes() throws Exception {
    Path f = Files.writeString(dir.resolve("io.stat"),
        "8:0 rbytes=4096 wbytes=512 rios=1 wios=1 dbytes=0 dios=0\n259:0 rbytes=10 wbytes=20 rios=1 wios=1\n");
    assertThat(CgroupReader.ioStatV2(f)).containsExactly(4106, 532);
  }

  @Test
  void networkBytesLeaveLoopbackOut() throws Exception {
    Path f = Files.writeString(dir.resolve("dev"), """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo:    5000      10    0    0    0     0          0         0     5000      10    0    0    0     0       0          0
          eth0:    1162      15    0    0    0     0          0         0      516       6    0    0    0     0       0          0
          eth1:      38       1    0    0    0     0          0         0        4       1    0    0    0     0       0          0
        """);
    assertThat(CgroupReader.netDev(f)).containsExactly(1200, 520);
  }

  @Test
  void aMissingFileCountsNothing() {
    assertThat(CgroupReader.netDev(dir.resolve("gone"))).containsExactly(0, 0);
    assertThat(CgroupReader.ioStatV1(dir.resolve("gone"))).containsExactly(0, 0);
  }
}
