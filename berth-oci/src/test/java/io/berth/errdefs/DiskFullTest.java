package io.berth.errdefs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

class DiskFullTest {
  @Test
  void aFullDiskIsRecognisedThroughWrappersAndNamedAsGoDoes() {
    IOException write = new IOException("No space left on device");
    RuntimeException e = DiskFull.orUnchecked("writing metadata containers/abc", write);
    assertThat(e).isInstanceOf(UnavailableException.class)
        .hasMessage("writing metadata containers/abc: no space left on device");
    assertThat(((BerthException) e).httpStatus()).isEqualTo(500);
    assertThat(DiskFull.is(new IllegalStateException("layer", new UncheckedIOException("x",
        new FileSystemException("/d/f", null, "Disk quota exceeded"))))).isTrue();
    assertThat(DiskFull.named("unpacking layer", new InvalidArgumentException("invalid layer: No space left on device")))
        .isInstanceOf(UnavailableException.class).hasMessage("unpacking layer: invalid layer: no space left on device");
  }

  @Test
  void otherErrorsStayWhatTheyWere() {
    RuntimeException e = DiskFull.orUnchecked("storing blob", new AccessDeniedException("/d/x"));
    assertThat(e).isInstanceOf(UncheckedIOException.class);
    assertThat(DiskFull.is(new IOException("Broken pipe"))).isFalse();
    InvalidArgumentException bad = new InvalidArgumentException("invalid layer: bad header");
    assertThat(DiskFull.named("unpacking", bad)).isSameAs(bad);
  }
}
