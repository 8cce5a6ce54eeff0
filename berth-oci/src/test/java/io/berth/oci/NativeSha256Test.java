package io.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NativeSha256Test {

  @Test
  void openSslIsUsedHereAndAgreesWithTheJdkOnEveryShapeOfInput() {
    // the build runs tests with native access on a host that has libcrypto (openssl is a host package)
    MessageDigest n = NativeSha256.create();
    assertThat(n).as("libcrypto.so.3 through FFM").isNotNull();
    assertThat(Digest.newSha256()).isInstanceOf(NativeSha256.class);
    Random r = new Random(4);
    for (int size : new int[] {0, 1, 55, 56, 64, 1000, 65536, 3 * 1024 * 1024 + 7}) {
      byte[] data = new byte[size];
      r.nextBytes(data);
      MessageDigest jdk = Digest.jdkSha256();
      // in uneven pieces, with single bytes and offsets into the array
      int off = 0;
      while (off < size) {
        int len = Math.min(size - off, 1 + r.nextInt(70000));
        if (len == 1) {
          n.update(data[off]);
        } else {
          n.update(data, off, len);
        }
        jdk.update(data, off, len);
        off += len;
      }
      assertThat(n.digest()).as("size " + size).isEqualTo(jdk.digest());
    }
    // digest() resets: the empty input's digest again
    assertThat(n.digest()).isEqualTo(Digest.jdkSha256().digest());
    n.update(new byte[] {1, 2, 3});
    n.reset();
    assertThat(n.digest()).isEqualTo(Digest.jdkSha256().digest());
  }
}
