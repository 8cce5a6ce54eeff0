package io.berth.errdefs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class ErrorTextTest {
  @Test
  void aLabelKeepsItsCauseWithPathAndReason() {
    var e = new UncheckedIOException("staging COPY", new FileAlreadyExistsException("/tmp/s/app/."));
    assertThat(ErrorText.of(e)).isEqualTo("staging COPY: /tmp/s/app/.: file exists");
  }

  @Test
  void fileSystemReasonsAndOtherFilesAreKept() {
    assertThat(ErrorText.of(new NoSuchFileException("/x"))).isEqualTo("/x: no such file or directory");
    assertThat(ErrorText.of(new FileSystemException("/a", "/b", "Invalid cross-device link")))
        .isEqualTo("/a -> /b: Invalid cross-device link");
    assertThat(ErrorText.of(new IOException("writing layer", new IOException("No space left on device"))))
        .isEqualTo("writing layer: no space left on device");
    assertThat(ErrorText.of(new FileSystemException("/d/tmp-1", null, "No space left on device")))
        .isEqualTo("/d/tmp-1: no space left on device");
  }

  @Test
  void wrappersThatRepeatTheirCauseAreNotRepeated() {
    IOException cause = new IOException("broken pipe");
    assertThat(ErrorText.of(new RuntimeException(cause))).isEqualTo("broken pipe");
    assertThat(ErrorText.of(new IllegalStateException("outer", new IllegalStateException("outer"))))
        .isEqualTo("outer");
    assertThat(ErrorText.of(new NullPointerException())).isEqualTo("NullPointerException");
  }
}
