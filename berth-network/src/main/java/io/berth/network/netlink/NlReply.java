package io.berth.network.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One message the kernel sent back: its header fields and its payload. {@link #parse} splits a
 * datagram (several messages back to back, each padded to 4 bytes); {@link #error} and
 * {@link #ifIndex} read the two payloads Berth needs: the acknowledgement ({@code struct
 * nlmsgerr}, with the kernel's extended message when it gave one) and a link's index.
 */
record NlReply(int type, int flags, int seq, ByteBuffer payload) {
  static final int NLMSG_ERROR = 2;
  static final int NLMSG_DONE = 3;
  private static final int NLM_F_CAPPED = 0x100;
  private static final int NLM_F_ACK_TLVS = 0x200;
  private static final int NLMSGERR_ATTR_MSG = 1;

  /** An acknowledgement: {@code errno} 0 for success, else the positive errno; {@code message} may be null. */
  record Ack(int errno, String message) {}

  /** The messages of one datagram of {@code length} bytes. */
  static List<NlReply> parse(ByteBuffer datagram, int length) {
    ByteBuffer b = datagram.duplicate().order(ByteOrder.nativeOrder());
    List<NlReply> out = new ArrayList<>();
    int at = 0;
    while (length - at >= NlRequest.HEADER) {
      int len = b.getInt(at);
      if (len < NlRequest.HEADER || len > length - at) {
        throw new IllegalStateException("malformed netlink message: length " + len + " at " + at + " of " + length);
      }
      ByteBuffer payload = b.slice(at + NlRequest.HEADER, len - NlRequest.HEADER).order(ByteOrder.nativeOrder());
      out.add(new NlReply(b.getShort(at + 4) & 0xffff, b.getShort(at + 6) & 0xffff, b.getInt(at + 8), payload));
      at += NlRequest.align(len);
    }
    return out;
  }

  /** The acknowledgement in an {@code NLMSG_ERROR} message. */
  Ack error() {
    int err = -payload.getInt(0);
    String message = null;
    if ((flags & NLM_F_ACK_TLVS) != 0 && payload.limit() >= 20) {
      // after the error code comes the request's header, and its payload unless capped
      int at = 4 + ((flags & NLM_F_CAPPED) != 0 ? NlRequest.HEADER : NlRequest.align(payload.getInt(4)));
      while (at + 4 <= payload.limit()) {
        int len = payload.getShort(at) & 0xffff;
        int type = payload.getShort(at + 2) & 0x3fff;
        if (len < 4 || at + len > payload.limit()) {
          break;
        }
        if (type == NLMSGERR_ATTR_MSG && len > 4) {
          byte[] s = new byte[len - 4];
          payload.get(at + 4, s);
          int end = 0;
          while (end < s.length && s[end] != 0) {
            end++;
          }
          message = new String(s, 0, end, StandardCharsets.UTF_8);
        }
        at += NlRequest.align(len);
      }
    }
    return new Ack(err, message);
  }

  /** {@code ifi_index} of an {@code RTM_NEWLINK} message (the answer to {@code RTM_GETLINK}). */
  int ifIndex() {
    return payload.getInt(4);
  }
}
