package io.berth.store.layer;

import java.nio.charset.StandardCharsets;

/**
 * Walks PAX extended-header data ({@code "<len> <key>=<value>\n"} records) as bytes, so callers
 * see values exactly as the archive holds them (Commons Compress decodes them as UTF-8).
 */
final class PaxRecords {
  /** One record: its key, the record's span {@code [start, end)} and its value's {@code [valueStart, valueEnd)}. */
  interface Visitor {
    void record(String key, int start, int end, int valueStart, int valueEnd);
  }

  private PaxRecords() {}

  /**
   * Visits the well-formed records of {@code data[0, length)} in order and returns where the walk
   * stopped: {@code length}, or the start of the first malformed record (padding, junk).
   */
  static int walk(byte[] data, int length, Visitor visitor) {
    int pos = 0;
    while (pos < length) {
      int space = pos;
      long len = 0;
      while (space < length && data[space] >= '0' && data[space] <= '9' && len < Integer.MAX_VALUE) {
        len = len * 10 + (data[space] - '0');
        space++;
      }
      if (space == pos || space >= length || data[space] != ' ' || len <= space - pos + 1 || pos + len > length
          || data[(int) (pos + len - 1)] != '\n') {
        return pos;
      }
      int end = (int) (pos + len);
      int eq = space + 1;
      while (eq < end - 1 && data[eq] != '=') {
        eq++;
      }
      if (eq < end - 1) {
        visitor.record(new String(data, space + 1, eq - space - 1, StandardCharsets.UTF_8), pos, end, eq + 1, end - 1);
      }
      pos = end;
    }
    return pos;
  }
}
