package io.berth.network.seal;

/**
 * The counters one session has delivered, as RFC 6479 keeps them: a ring of 64-bit words
 * holding the last {@value #WINDOW} counters below the highest seen, so packets reordered by
 * the network within that span are still taken and each is taken once. Asked before
 * authentication ({@link #fresh}), marked only after ({@link #mark}), so forged packets cannot
 * move the window. One thread.
 */
final class ReplayWindow {
  private static final int WORDS = 32; // a power of two
  static final int WINDOW = (WORDS - 1) * Long.SIZE;

  private final long[] bits = new long[WORDS];
  private long highest; // counters start at 1

  /** Whether {@code counter} may be new: above the window's floor and not marked. */
  boolean fresh(long counter) {
    if (counter <= 0) {
      return false;
    }
    if (counter > highest) {
      return true;
    }
    if (highest - counter >= WINDOW) {
      return false;
    }
    return (bits[word(counter)] & bit(counter)) == 0;
  }

  /** Records an authenticated {@code counter} that was {@link #fresh}. */
  void mark(long counter) {
    if (counter > highest) {
      long from = highest >>> 6;
      long to = counter >>> 6;
      long clear = Math.min(to - from, WORDS);
      for (long i = 1; i <= clear; i++) {
        bits[(int) ((from + i) & (WORDS - 1))] = 0;
      }
      highest = counter;
    }
    bits[word(counter)] |= bit(counter);
  }

  private static int word(long counter) {
    return (int) ((counter >>> 6) & (WORDS - 1));
  }

  private static long bit(long counter) {
    return 1L << (counter & 63);
  }
}
