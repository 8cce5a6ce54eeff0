package io.berth.store.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileContentStoreTest {
  @TempDir Path tmp;

  private static InputStream in(String s) {
    return new ByteArrayInputStream(s.getBytes());
  }

  @Test
  void storesBlobsUnderTheirDigest() throws Exception {
    FileContentStore cs = new FileContentStore(tmp);
    Digest d = cs.ingest(in("hello"), null);
    assertThat(d).isEqualTo(Digest.sha256("hello".getBytes()));
    assertThat(cs.path(d)).isEqualTo(tmp.resolve("blobs/sha256/" + d.hex()));
    assertThat(cs.exists(d)).isTrue();
    assertThat(cs.size(d)).isEqualTo(5);
    try (InputStream r = cs.open(d)) {
      assertThat(new String(r.readAllBytes())).isEqualTo("hello");
    }
    assertThat(cs.ingest(in("hello"), d)).as("verified against the expected digest").isEqualTo(d);
    assertThat(cs.list()).containsExactly(d);
    cs.delete(d);
    assertThat(cs.exists(d)).isFalse();
    assertThat(cs.list()).isEmpty();
    assertThatThrownBy(() -> cs.open(d)).isInstanceOf(NotFoundException.class).hasMessageContaining(d.hex());
    assertThatThrownBy(() -> cs.size(d)).isInstanceOf(NotFoundException.class);
  }

  @Test
  void aMismatchLeavesNothingVisible() throws Exception {
    FileContentStore cs = new FileContentStore(tmp);
    Digest expected = Digest.sha256("what the manifest says".getBytes());
    assertThatThrownBy(() -> cs.ingest(in("what arrived"), expected)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining(expected.toString());
    assertThat(cs.exists(expected)).isFalse();
    assertThat(cs.list()).isEmpty();
    try (var s = Files.list(tmp.resolve("ingest"))) {
      assertThat(s.count()).as("temp files cleaned up").isZero();
    }
  }

  @Test
  void aFailingSourceLeavesNothingVisible() throws Exception {
    FileContentStore cs = new FileContentStore(tmp);
    InputStream broken = new InputStream() {
      private int n;

      @Override
      public int read() throws IOException {
        if (n++ > 1000) {
          throw new IOException("connection reset");
        }
        return 'x';
      }
    };
    assertThatThrownBy(() -> cs.ingest(broken, null)).hasMessageContaining("storing blob");
    assertThat(cs.list()).isEmpty();
    try (var s = Files.list(tmp.resolve("ingest"))) {
      assertThat(s.count()).isZero();
    }
  }

  @Test
  void theSameBlobTwiceIsStoredOnce() {
    FileContentStore cs = new FileContentStore(tmp);
    Digest a = cs.ingest(in("same"), null);
    Digest b = cs.ingest(in("same"), null);
    assertThat(a).isEqualTo(b);
    assertThat(cs.list()).containsExactly(a);
  }

  @Test
  void contentAddressedBySha512IsVerifiedAndStoredByIt() throws Exception {
    FileContentStore cs = new FileContentStore(tmp);
    Digest sha256 = cs.ingest(in("hello"), null);
    Digest d = Digest.of("sha512", "hello".getBytes());
    assertThat(d.toString()).isEqualTo("sha512:9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7"
        + "2323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043");
    assertThat(cs.ingest(in("hello"), d)).isEqualTo(d);
    assertThat(cs.path(d)).isEqualTo(tmp.resolve("blobs/sha512/" + d.hex()));
    assertThat(Files.readString(cs.path(d))).isEqualTo("hello");
    assertThat(cs.path(sha256)).as("the sha256 layout is unchanged").isEqualTo(tmp.resolve("blobs/sha256/" + sha256.hex()));
    assertThat(cs.list()).containsExactlyInAnyOrder(sha256, d);
    Digest other = Digest.of("sha512", "something else".getBytes());
    assertThatThrownBy(() -> cs.ingest(in("hello"), other)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining(other.toString()).hasMessageContaining(d.toString());
    assertThat(cs.exists(other)).isFalse();
    cs.delete(d);
    assertThat(cs.list()).containsExactly(sha256);
  }
}
