package io.berth.network.seal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * tcpdump on one interface of a namespace, writing a pcap file: the independent witness of
 * what crossed the underlay. {@link #stop} ends it and parses what it saw.
 */
final class Capture {
  private final Process process;
  private final Path file;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  private Capture(Process process, Path file) {
    this.process = process;
    this.file = file;
  }

  /** Starts tcpdump on {@code dev} in {@code ns} and returns once it listens. */
  static Capture start(String ns, String dev) throws IOException, InterruptedException {
    Path file = Files.createTempFile("bsl3-", ".pcap");
    Process p = new ProcessBuilder("nsenter", "--net=" + TwoNodes.path(ns), "tcpdump", "-i", dev, "-n", "-U", "-s", "0",
        "-w", file.toString()).redirectErrorStream(true).start();
    Capture c = new Capture(p, file);
    Thread.ofVirtual().start(() -> TwoNodes.copy(p.getInputStream(), c.log));
    for (int i = 0; i < 100 && !c.log.toString(StandardCharsets.UTF_8).contains("listening on"); i++) {
      if (!p.isAlive()) {
        throw new AssertionError("tcpdump ended: " + c.log.toString(StandardCharsets.UTF_8));
      }
      Thread.sleep(100);
    }
    if (!c.log.toString(StandardCharsets.UTF_8).contains("listening on")) {
      p.destroyForcibly();
      throw new AssertionError("tcpdump did not start listening on " + dev + " in " + ns);
    }
    return c;
  }

  /** Stops tcpdump and returns the frames it wrote. */
  Frames stop() throws IOException, InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    byte[] pcap = Files.readAllBytes(file);
    Files.deleteIfExists(file);
    return new Frames(pcap);
  }

  /** The Ethernet frames of a pcap file (microsecond or nanosecond, little-endian as tcpdump writes here). */
  record Frames(byte[] pcap) {
    List<byte[]> all() {
      ByteBuffer b = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
      List<byte[]> frames = new ArrayList<>();
      for (int at = 24; at + 16 <= pcap.length && frames.size() < 10_000_000; ) {
        int len = b.getInt(at + 8);
        if (at + 16 + len > pcap.length) {
          break;
        }
        byte[] f = new byte[len];
        System.arraycopy(pcap, at + 16, f, 0, len);
        frames.add(f);
        at += 16 + len;
      }
      return frames;
    }

    /** The payloads of the IPv4 UDP datagrams to {@code port}. */
    List<byte[]> udpPayloads(int port) {
      return udpPayloads(null, port);
    }

    /** The payloads of the IPv4 UDP datagrams from {@code source} (any when null) to {@code port}. */
    List<byte[]> udpPayloads(String source, int port) {
      int from = source == null ? 0 : io.berth.network.Ipv4.parse(source);
      List<byte[]> out = new ArrayList<>();
      for (byte[] f : all()) {
        ByteBuffer b = ByteBuffer.wrap(f);
        if (f.length < 14 + 20 + 8 || b.getShort(12) != 0x0800 || f[14 + 9] != 17) {
          continue;
        }
        int udp = 14 + (f[14] & 0xf) * 4;
        if ((b.getShort(udp + 2) & 0xffff) == port && (source == null || b.getInt(14 + 12) == from)) {
          byte[] payload = new byte[(b.getShort(udp + 4) & 0xffff) - 8];
          System.arraycopy(f, udp + 8, payload, 0, payload.length);
          out.add(payload);
        }
      }
      return out;
    }

    boolean contains(byte[] needle) {
      return indexOf(pcap, needle) >= 0;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
      outer:
      for (int i = 0; i + needle.length <= hay.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (hay[i + j] != needle[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }
}
