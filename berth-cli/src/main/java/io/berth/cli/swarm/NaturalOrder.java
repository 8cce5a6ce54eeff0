package io.berth.cli.swarm;

import java.util.Comparator;

/**
 * The natural sort order docker sorts node hostnames, service and task names by
 * ({@code node-2} before {@code node-10}, {@code web.2} before {@code web.10}): runs of digits
 * compare as numbers, everything else character by character.
 */
final class NaturalOrder implements Comparator<String> {
  static final NaturalOrder INSTANCE = new NaturalOrder();

  private NaturalOrder() {}

  @Override
  public int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char x = a.charAt(i);
      char y = b.charAt(j);
      if (Character.isDigit(x) && Character.isDigit(y)) {
        int si = i;
        int sj = j;
        while (i < a.length() && a.charAt(i) == '0') {
          i++;
        }
        while (j < b.length() && b.charAt(j) == '0') {
          j++;
        }
        int ei = i;
        int ej = j;
        while (ei < a.length() && Character.isDigit(a.charAt(ei))) {
          ei++;
        }
        while (ej < b.length() && Character.isDigit(b.charAt(ej))) {
          ej++;
        }
        int c = Integer.compare(ei - i, ej - j);
        if (c == 0) {
          c = a.substring(i, ei).compareTo(b.substring(j, ej));
        }
        if (c == 0) {
          // equal numbers: fewer leading zeros first
          c = Integer.compare(i - si, j - sj);
        }
        if (c != 0) {
          return c;
        }
        i = ei;
        j = ej;
      } else {
        if (x != y) {
          return Character.compare(x, y);
        }
        i++;
        j++;
      }
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
