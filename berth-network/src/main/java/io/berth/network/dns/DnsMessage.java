package io.berth.network.dns;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The little of the DNS wire format (RFC 1035) the embedded server needs: the header and the
 * single question of a query, and responses carrying A or PTR records. Everything else is
 * forwarded as opaque bytes, so there is nothing more to parse. Strict: malformed input gives a
 * {@link DnsFormatException}, never another exception.
 */
final class DnsMessage {
  static final int TYPE_A = 1;
  static final int TYPE_PTR = 12;
  static final int TYPE_AAAA = 28;
  static final int RCODE_OK = 0;
  static final int RCODE_FORMERR = 1;
  static final int RCODE_SERVFAIL = 2;
  static final int RCODE_NXDOMAIN = 3;
  static final int RCODE_NOTIMP = 4;
  static final int RCODE_REFUSED = 5;
  static final int TTL = 600;
  private static final int MAX_UDP = 512;

  /** A parsed query: {@code name} lower case without the trailing dot. */
  record Query(int id, int flags, String name, int type, int qclass, int questionEnd) {
    boolean recursionDesired() {
      return (flags & 0x0100) != 0;
    }
  }

  /** Thrown for input that is not a well-formed DNS query. */
  static final class DnsFormatException extends Exception {
    DnsFormatException(String message) {
      super(message);
    }
  }

  private DnsMessage() {}

  static Query parseQuery(byte[] m, int len) throws DnsFormatException {
    if (len < 12 || len > m.length) {
      throw new DnsFormatException("message shorter than a header");
    }
    int id = u16(m, 0);
    int flags = u16(m, 2);
    if ((flags & 0x8000) != 0) {
      throw new DnsFormatException("a response, not a query");
    }
    if (u16(m, 4) != 1) {
      throw new DnsFormatException("expected exactly one question, got " + u16(m, 4));
    }
    StringBuilder name = new StringBuilder();
    int end = readName(m, len, 12, name, 0);
    if (end + 4 > len) {
      throw new DnsFormatException("question truncated");
    }
    return new Query(id, flags, name.toString().toLowerCase(Locale.ROOT), u16(m, end), u16(m, end + 2), end + 4);
  }

  /** Reads a possibly compressed name at {@code off}; returns the offset after it in place. */
  private static int readName(byte[] m, int len, int off, StringBuilder out, int depth) throws DnsFormatException {
    if (depth > 16) {
      throw new DnsFormatException("compression loop");
    }
    int pos = off;
    while (true) {
      if (pos >= len) {
        throw new DnsFormatException("name runs past the message");
      }
      int l = m[pos] & 0xff;
      if (l == 0) {
        return pos + 1;
      }
      if ((l & 0xc0) == 0xc0) {
        if (pos + 1 >= len) {
          throw new DnsFormatException("truncated pointer");
        }
        int target = ((l & 0x3f) << 8) | (m[pos + 1] & 0xff);
        if (target >= pos) {
          throw new DnsFormatException("forward compression pointer");
        }
        readName(m, len, target, out, depth + 1);
        return pos + 2;
      }
      if ((l & 0xc0) != 0 || pos + 1 + l > len) {
        throw new DnsFormatException("bad label at " + pos);
      }
      if (!out.isEmpty()) {
        out.append('.');
      }
      out.append(new String(m, pos + 1, l, StandardCharsets.ISO_8859_1));
      if (out.length() > 255) {
        throw new DnsFormatException("name longer than 255 characters");
      }
      pos += 1 + l;
    }
  }

  /** A response to {@code q} with A records (or none: NOERROR with an empty answer). */
  static byte[] answerA(byte[] query, Query q, List<Inet4Address> addresses, boolean udp) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int count = addresses.size();
    // 12 header + question + 16 per A record; a UDP answer over 512 bytes is cut, with TC set
    int questionLen = q.questionEnd() - 12;
    boolean truncated = false;
    if (udp && 12 + questionLen + 16L * count > MAX_UDP) {
      count = (MAX_UDP - 12 - questionLen) / 16;
      truncated = true;
    }
    header(out, q, RCODE_OK, count, truncated);
    out.write(query, 12, questionLen);
    for (int i = 0; i < count; i++) {
      out.write(0xc0);
      out.write(12); // the question's name
      u16(out, TYPE_A);
      u16(out, 1);
      u32(out, TTL);
      u16(out, 4);
      out.writeBytes(addresses.get(i).getAddress());
    }
    return out.toByteArray();
  }

  /** A response with one PTR record naming {@code target}. */
  static byte[] answerPtr(byte[] query, Query q, String target) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    header(out, q, RCODE_OK, 1, false);
    out.write(query, 12, q.questionEnd() - 12);
    out.write(0xc0);
    out.write(12);
    u16(out, TYPE_PTR);
    u16(out, 1);
    u32(out, TTL);
    byte[] name = encodeName(target);
    u16(out, name.length);
    out.writeBytes(name);
    return out.toByteArray();
  }

  /** A response with no records and {@code rcode}; the question is echoed when it parsed. */
  static byte[] error(byte[] query, Query q, int rcode) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    header(out, q, rcode, 0, false);
    out.write(query, 12, q.questionEnd() - 12);
    return out.toByteArray();
  }

  /** FORMERR for a query whose question could not be read (header only). */
  static byte[] formatError(byte[] query, int len) {
    if (len < 2) {
      return null;
    }
    byte[] out = new byte[12];
    out[0] = query[0];
    out[1] = query[1];
    out[2] = (byte) 0x80;
    out[3] = (byte) (0x80 | RCODE_FORMERR);
    return out;
  }

  private static void header(ByteArrayOutputStream out, Query q, int rcode, int answers, boolean truncated) {
    u16(out, q.id());
    int flags = 0x8000 | (q.flags() & 0x7900) | 0x0080 | rcode; // QR, opcode+RD echoed, RA
    if (truncated) {
      flags |= 0x0200;
    }
    u16(out, flags);
    u16(out, 1);
    u16(out, answers);
    u16(out, 0);
    u16(out, 0);
  }

  static byte[] encodeName(String name) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String label : name.split("\\.")) {
      if (label.isEmpty()) {
        continue;
      }
      byte[] b = label.getBytes(StandardCharsets.US_ASCII);
      out.write(Math.min(b.length, 63));
      out.write(b, 0, Math.min(b.length, 63));
    }
    out.write(0);
    return out.toByteArray();
  }

  /** The opcode of a header (0 for standard queries). */
  static int opcode(Query q) {
    return (q.flags() >> 11) & 0xf;
  }

  static int u16(byte[] m, int off) {
    return ((m[off] & 0xff) << 8) | (m[off + 1] & 0xff);
  }

  private static void u16(ByteArrayOutputStream out, int v) {
    out.write((v >> 8) & 0xff);
    out.write(v & 0xff);
  }

  private static void u32(ByteArrayOutputStream out, int v) {
    u16(out, (v >>> 16) & 0xffff);
    u16(out, v & 0xffff);
  }
}
