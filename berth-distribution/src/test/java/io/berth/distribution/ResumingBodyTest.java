package io.berth.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResumingBodyTest {
  private static final byte[] BLOB = new byte[100_000];

  static {
    new Random(7).nextBytes(BLOB);
  }

  /** The blob from {@code from}, breaking after {@code breakAfter} bytes (-1: never). */
  private static InputStream source(long from, long breakAfter) {
    return new InputStream() {
      long pos = from;
      long served;

      @Override
      public int read() throws IOException {
        if (breakAfter >= 0 && served >= breakAfter) {
          throw new IOException("connection reset");
        }
        if (pos >= BLOB.length) {
          return -1;
        }
        served++;
        return BLOB[(int) pos++] & 0xff;
      }
    };
  }

  @Test
  void continuesFromTheOffsetWithRangeRequests() throws IOException {
    List<Long> asked = new ArrayList<>();
    ResumingBody body = new ResumingBody(source(0, 30_000), offset -> {
      asked.add(offset);
      return new ResumingBody.Opened(source(offset, asked.size() == 1 ? 20_000 : -1), true);
    });
    assertThat(body.readAllBytes()).isEqualTo(BLOB);
    assertThat(asked).containsExactly(30_000L, 50_000L);
    assertThat(body.resumed()).isEqualTo(2);
  }

  @Test
  void skipsForwardWhenTheRegistryIgnoresRange() throws IOException {
    ResumingBody body = new ResumingBody(source(0, 40_000),
        offset -> new ResumingBody.Opened(new ByteArrayInputStream(BLOB), false));
    assertThat(body.readAllBytes()).isEqualTo(BLOB);
  }

  @Test
  void givesUpAfterAFewAttempts() {
    ResumingBody body = new ResumingBody(source(0, 10), offset -> new ResumingBody.Opened(source(offset, 10), true));
    assertThatThrownBy(body::readAllBytes).hasMessageContaining("after 5 resumes");
  }
}
