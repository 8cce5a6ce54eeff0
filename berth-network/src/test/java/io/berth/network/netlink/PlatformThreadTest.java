package io.berth.network.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.NotFoundException;
import io.berth.errdefs.UnavailableException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PlatformThreadTest {
  @Test
  void blockingWorkOfAVirtualThreadRunsOnAPlatformThread() throws Exception {
    AtomicReference<Boolean> ranVirtual = new AtomicReference<>();
    Thread v = Thread.ofVirtual().start(() ->
        ranVirtual.set(PlatformThread.offCarrier("probe", () -> Thread.currentThread().isVirtual())));
    v.join();
    assertThat(ranVirtual.get()).isFalse();
  }

  @Test
  void aPlatformThreadRunsItInPlace() {
    Thread me = Thread.currentThread();
    assertThat(PlatformThread.offCarrier("probe", () -> Thread.currentThread() == me)).isTrue();
    assertThat(PlatformThread.call("probe", () -> Thread.currentThread() == me)).isFalse();
  }

  @Test
  void failuresKeepTheirKindOrNameTheWork() {
    assertThatThrownBy(() -> PlatformThread.call("probe", () -> {
      throw new NotFoundException("gone");
    })).isInstanceOf(NotFoundException.class).hasMessage("gone");
    assertThatThrownBy(() -> PlatformThread.call("probing", () -> {
      throw new Libc.Errno("open /x", Libc.ENOENT);
    })).isInstanceOf(UnavailableException.class).hasMessage("probing: open /x: No such file or directory");
  }
}
