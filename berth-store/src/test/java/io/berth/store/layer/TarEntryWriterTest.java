package io.berth.store.layer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarEntryWriterTest {
  @TempDir Path tmp;

  @Test
  void writesNumericOwnersTrailingSlashesLinksAndSkipsSockets() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("d"));
    Files.writeString(d.resolve("f"), "data");
    Files.setAttribute(d.resolve("f"), "unix:uid", 1234);
    Files.createLink(d.resolve("hard"), d.resolve("f"));
    Files.createSymbolicLink(d.resolve("sym"), Path.of("/etc/passwd"));
    Path sock = d.resolve("sock");
    try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.bind(UnixDomainSocketAddress.of(sock));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (TarEntryWriter w = new TarEntryWriter(out)) {
        assertThat(w.add(d, "/")).isTrue();
        assertThat(w.add(d.resolve("f"), "/f")).isTrue();
        assertThat(w.add(d.resolve("hard"), "/hard")).isTrue();
        assertThat(w.add(d.resolve("sym"), "/sym")).isTrue();
        assertThat(w.add(sock, "/sock")).isFalse();
        w.finish();
      }
      List<TarArchiveEntry> entries = new ArrayList<>();
      try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
        for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
          entries.add(e);
        }
      }
      assertThat(entries).extracting(TarArchiveEntry::getName).containsExactly("/", "/f", "/hard", "/sym");
      assertThat(entries.get(0).isDirectory()).isTrue();
      assertThat(entries.get(1).getLongUserId()).isEqualTo(1234);
      assertThat(entries.get(1).getUserName()).as("no name a tar could map to a host user").isEmpty();
      assertThat(entries.get(1).getSize()).isEqualTo(4);
      assertThat(entries.get(2).isLink()).isTrue();
      assertThat(entries.get(2).getLinkName()).isEqualTo("/f");
      assertThat(entries.get(3).isSymbolicLink()).isTrue();
      assertThat(entries.get(3).getLinkName()).isEqualTo("/etc/passwd");
    }
  }
}
