package io.berth.store.layer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A tar reader that also hands out each entry's extended attributes as the raw bytes the archive
 * holds. The superclass decodes PAX values as UTF-8, which turns a binary value such as
 * {@code security.capability} into replacement characters; so the bytes of the local PAX headers
 * ({@code x}) are kept as the superclass reads them and parsed by {@link PaxXattrs}. Global
 * headers ({@code g}) are not taken: Docker and containerd take no xattrs from them either.
 */
final class XattrTarInputStream extends TarArchiveInputStream {
  private final ByteArrayOutputStream paxData = new ByteArrayOutputStream();
  private int depth;
  private Map<String, byte[]> xattrs = Map.of();

  XattrTarInputStream(InputStream in) {
    super(in);
  }

  /** The extended attributes of the entry last returned by {@link #getNextEntry()}. */
  Map<String, byte[]> xattrs() {
    return xattrs;
  }

  @Override
  public TarArchiveEntry getNextEntry() throws IOException {
    // the superclass calls this again from inside, once per PAX header before the real entry
    if (depth++ == 0) {
      paxData.reset();
    }
    try {
      return super.getNextEntry();
    } finally {
      if (--depth == 0) {
        xattrs = paxData.size() == 0 ? Map.of() : PaxXattrs.parse(paxData.toByteArray(), paxData.size());
      }
    }
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    TarArchiveEntry current = getCurrentEntry();
    if (n > 0 && current != null && current.isPaxHeader()) {
      paxData.write(buf, off, n);
    }
    return n;
  }
}
