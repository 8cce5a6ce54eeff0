package io.berth.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Docker's stream framing, as the daemon writes it and berth-client reads it. */
class StreamFramesTest {
  /** One frame written by hand: [stream, 0, 0, 0, size big-endian] then the payload. */
  private static byte[] frame(int stream, String payload) {
    byte[] p = payload.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {(byte) stream, 0, 0, 0, (byte) (p.length >>> 24), (byte) (p.length >>> 16),
        (byte) (p.length >>> 8), (byte) p.length});
    b.writeBytes(p);
    return b.toByteArray();
  }

  @Test
  void framesGoToTheirStreamAndATruncatedFrameEndsCleanly() throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes(frame(1, "out1\n"));
    wire.writeBytes(frame(2, "err\n"));
    wire.writeBytes(frame(1, ""));
    wire.writeBytes(frame(1, "x".repeat(70_000)));
    wire.writeBytes(new byte[] {1, 0, 0});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    StreamFrames.demux(new ByteArrayInputStream(wire.toByteArray()), out, err, false);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("out1\n" + "x".repeat(70_000));
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("err\n");
  }

  @Test
  void aSystemErrorFrameEndsTheCopyWithDockersError() throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes(frame(1, "line\n"));
    wire.writeBytes(frame(StreamFrames.SYSTEMERR, "Error grabbing logs: node x is not available\n"));
    wire.writeBytes(frame(1, "never\n"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
            StreamFrames.demux(new ByteArrayInputStream(wire.toByteArray()), out, out, false))
        .isInstanceOf(java.io.IOException.class)
        .hasMessage("error from daemon in stream: Error grabbing logs: node x is not available");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("line\n");
  }

  @Test
  void whatIsWrittenIsReadBack() throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    byte[] big = "y".repeat(300_000).getBytes(StandardCharsets.UTF_8);
    StreamFrames.write(wire, false, StreamFrames.STDERR, "e".getBytes(StandardCharsets.UTF_8), 0, 1);
    StreamFrames.write(wire, false, StreamFrames.STDOUT, big, 0, big.length);
    assertThat(wire.toByteArray()).startsWith(frame(2, "e"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    StreamFrames.demux(new ByteArrayInputStream(wire.toByteArray()), out, err, false);
    assertThat(out.toByteArray()).isEqualTo(big);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("e");
  }

  @Test
  void ttyStreamsAreRaw() throws Exception {
    byte[] raw = {1, 0, 0, 0, 'h', 'i'};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StreamFrames.demux(new ByteArrayInputStream(raw), out, new ByteArrayOutputStream(), true);
    assertThat(out.toByteArray()).isEqualTo(raw);
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    StreamFrames.write(wire, true, StreamFrames.STDOUT, raw, 0, raw.length);
    assertThat(wire.toByteArray()).isEqualTo(raw);
  }
}
