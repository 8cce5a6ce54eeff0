package io.berth.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ReadAheadTest {

  @Test
  void deliversTheSourceBytesInOrderWhateverTheSizes() throws IOException {
    for (int size : new int[] {0, 1, 256 * 1024, 256 * 1024 + 1, 3_000_001}) {
      byte[] data = new byte[size];
      new Random(size).nextBytes(data);
      try (InputStream in = new ReadAhead(new ByteArrayInputStream(data))) {
        assertThat(in.readAllBytes()).as("size %d", size).isEqualTo(data);
        assertThat(in.read()).isEqualTo(-1);
      }
    }
  }

  @Test
  void aFailureOfTheSourceReachesTheReaderAfterWhatCameBefore() throws IOException {
    byte[] first = new byte[600_000];
    InputStream failing = new SequenceInputStream(new ByteArrayInputStream(first), new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("connection reset");
      }
    });
    try (InputStream in = new ReadAhead(failing)) {
      assertThat(in.readNBytes(first.length)).hasSize(first.length);
      assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("connection reset");
    }
  }

  @Test
  void closeEndsAReadTheSourceIsBlockedIn() throws Exception {
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    InputStream stuck = new InputStream() {
      @Override
      public int read() throws IOException {
        blocked.countDown();
        try {
          closed.await();
        } catch (InterruptedException e) {
          throw new java.io.InterruptedIOException();
        }
        throw new IOException("closed");
      }

      @Override
      public void close() {
        closed.countDown();
      }
    };
    InputStream in = new ReadAhead(stuck);
    blocked.await();
    in.close();
    assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("Stream closed");
  }
}
