package io.berth.store.layer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The layer tar reader: Commons Compress's, plus what it gets wrong for layers.
 *
 * <p>Extended attributes: the superclass decodes PAX values as UTF-8, which turns a binary value
 * such as {@code security.capability} into replacement characters; so the bytes of the local PAX
 * headers ({@code x}) are kept as the archive has them and parsed by {@link PaxXattrs}. Global
 * headers ({@code g}) are not taken: Docker and containerd take no xattrs from them either.
 *
 * <p>Sparse files ({@code tar -S}): the superclass fails on big ones and fills holes with zeros
 * (see {@link SparseHeaders}), so it never sees them as sparse. Old GNU {@code S} headers are
 * turned into plain file headers as they are read, PAX records that make an entry sparse are left
 * out of what it parses, and the entry comes back as a plain file whose data are the regions'
 * bytes, with its {@link #sparse()} map. PAX headers are limited to 1 MiB, as in Go's reader.
 */
final class XattrTarInputStream extends TarArchiveInputStream {
  static final int MAX_PAX_HEADER = 1 << 20;
  private final ByteArrayOutputStream paxData = new ByteArrayOutputStream();
  private InputStream paxView;
  private SparseHeaders.Pending oldGnu;
  private int depth;
  private Map<String, byte[]> xattrs = Map.of();
  private SparseMap sparse;

  XattrTarInputStream(InputStream in) {
    super(in);
  }

  /** The extended attributes of the entry last returned by {@link #getNextEntry()}. */
  Map<String, byte[]> xattrs() {
    return xattrs;
  }

  /**
   * Where the data of the entry last returned lie in its file, when it is a sparse file; its data
   * read from this stream are then the regions' bytes, one after another. Null otherwise.
   */
  SparseMap sparse() {
    return sparse;
  }

  @Override
  public TarArchiveEntry getNextEntry() throws IOException {
    // the superclass calls this again from inside, once per PAX or long-name header before the real entry
    if (depth++ == 0) {
      paxData.reset();
      oldGnu = null;
      xattrs = Map.of();
      sparse = null;
    }
    TarArchiveEntry e;
    try {
      e = super.getNextEntry();
    } finally {
      depth--;
    }
    if (depth == 0 && e != null) {
      byte[] pax = paxData.toByteArray();
      xattrs = pax.length == 0 ? Map.of() : PaxXattrs.parse(pax, pax.length);
      sparse = sparseOf(e, pax);
    }
    return e;
  }

  @Override
  protected byte[] readRecord() throws IOException {
    paxView = null; // a new header: the PAX data read before, if any, is done with
    byte[] rec = super.readRecord();
    if (isAtEOF() || !SparseHeaders.isOldGnuSparse(rec)) {
      return rec;
    }
    byte[] header = rec.clone(); // the superclass reads extension records into the same buffer
    oldGnu = SparseHeaders.oldGnu(header, super::readRecord);
    return header;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    TarArchiveEntry current = getCurrentEntry();
    if (current != null && (current.isPaxHeader() || current.isGlobalPaxHeader())) {
      if (paxView == null) {
        paxView = paxView(current);
      }
      return paxView.read(buf, off, len);
    }
    return super.read(buf, off, len);
  }

  /**
   * Reads a whole PAX header, keeps a local one's bytes, and returns what the superclass may parse
   * of it: every record but those that would make it read the entry as sparse.
   */
  private InputStream paxView(TarArchiveEntry header) throws IOException {
    if (header.getSize() > MAX_PAX_HEADER) {
      throw new IOException("a PAX header of " + header.getSize() + " bytes (" + header.getName()
          + "), over the limit of " + MAX_PAX_HEADER);
    }
    byte[] raw = new byte[(int) header.getSize()];
    int n = 0;
    for (int r; n < raw.length && (r = super.read(raw, n, raw.length - n)) > 0; ) {
      n += r;
    }
    if (header.isPaxHeader()) {
      paxData.write(raw, 0, n);
    }
    ByteArrayOutputStream kept = new ByteArrayOutputStream(n);
    int stop = PaxRecords.walk(raw, n, (key, start, end, valueStart, valueEnd) -> {
      if (!makesSparse(key)) {
        kept.write(raw, start, end - start);
      }
    });
    kept.write(raw, stop, n - stop); // junk after the records: the superclass says what it makes of it
    return new ByteArrayInputStream(kept.toByteArray());
  }

  /** GNU's sparse records, and star's, which the superclass would read past the entry's end for. */
  private static boolean makesSparse(String key) {
    return key.startsWith(SparseHeaders.PAX_PREFIX) || key.equals("SCHILY.filetype") || key.equals("SCHILY.realsize");
  }

  private SparseMap sparseOf(TarArchiveEntry e, byte[] pax) throws IOException {
    List<String[]> records = new ArrayList<>();
    PaxRecords.walk(pax, pax.length, (key, start, end, valueStart, valueEnd) -> {
      if (key.startsWith(SparseHeaders.PAX_PREFIX)) {
        records.add(new String[] {key, new String(pax, valueStart, valueEnd - valueStart, StandardCharsets.UTF_8)});
      }
    });
    SparseHeaders.Pending p = records.isEmpty() ? null : SparseHeaders.pax(records, e.getName());
    if (p != null && oldGnu != null) {
      throw new IOException("entry \"" + e.getName() + "\" has both a PAX and an old GNU sparse map");
    }
    if (p == null) {
      p = oldGnu;
    }
    if (p == null) {
      return null;
    }
    if (!LayerApplier.isRegular(e)) {
      throw new IOException("entry \"" + e.getName() + "\" has a sparse map but is not a regular file");
    }
    if (p.name() != null) {
      e.setName(p.name());
    }
    long stored = e.getSize();
    List<SparseMap.Region> regions = p.regions();
    if (regions == null) {
      SparseHeaders.Map1 m = SparseHeaders.map1(this, stored, e.getName());
      regions = m.regions();
      stored -= m.consumed();
    }
    return SparseMap.of(e.getName(), p.realSize(), regions, stored);
  }
}
