package io.berth.network.seal;

import java.util.concurrent.atomic.LongAdder;

/** What became of one packet; each has a counter in {@link SealCounters}. */
enum Outcome {
  SENT, RECEIVED, DROPPED_AUTH, DROPPED_REPLAY, DROPPED_PEER, DROPPED_UNSENDABLE, DROPPED_MALFORMED;

  /** One counter per outcome, written by the two packet threads, read by anyone. */
  static final class Tally {
    private final LongAdder[] counts = new LongAdder[values().length];

    Tally() {
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void add(Outcome o) {
      counts[o.ordinal()].increment();
    }

    SealCounters snapshot() {
      return new SealCounters(get(SENT), get(RECEIVED), get(DROPPED_AUTH), get(DROPPED_REPLAY), get(DROPPED_PEER),
          get(DROPPED_UNSENDABLE), get(DROPPED_MALFORMED));
    }

    private long get(Outcome o) {
      return counts[o.ordinal()].sum();
    }
  }
}
