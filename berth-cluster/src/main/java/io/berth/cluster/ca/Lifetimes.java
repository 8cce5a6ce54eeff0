package io.berth.cluster.ca;

import io.berth.errdefs.InvalidArgumentException;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * How long cluster certificates live and when a node renews, with swarmkit's numbers: roots 20
 * years, node certificates 90 days unless the cluster says otherwise (at least one hour), every
 * certificate back-dated one hour against clock drift, and renewal at a random point between 50%
 * and 80% of a certificate's life so a cluster's nodes do not all renew at once.
 */
public final class Lifetimes {
  public static final Duration ROOT = Duration.ofSeconds(630_720_000L);
  public static final Duration DEFAULT_NODE = Duration.ofHours(2160);
  public static final Duration MIN_NODE = Duration.ofHours(1);
  public static final Duration BACKDATE = Duration.ofHours(1);
  static final double RENEW_FROM = 0.5;
  static final double RENEW_UNTIL = 0.8;

  private Lifetimes() {}

  /** Refuses a node certificate lifetime under the minimum, naming both. */
  public static Duration requireNodeExpiry(Duration expiry) {
    if (expiry.compareTo(MIN_NODE) < 0) {
      throw new InvalidArgumentException("node certificate expiry " + expiry + " is below the minimum of "
          + MIN_NODE.toMinutes() + " minutes");
    }
    return expiry;
  }

  /** When a certificate valid from {@code notBefore} to {@code notAfter} should be renewed. */
  public static Instant renewalAt(Instant notBefore, Instant notAfter, RandomGenerator random) {
    long life = Duration.between(notBefore, notAfter).toMillis();
    long from = (long) (life * RENEW_FROM);
    long until = (long) (life * RENEW_UNTIL);
    long pick = until > from ? random.nextLong(from, until) : from;
    return notBefore.plusMillis(pick);
  }
}
