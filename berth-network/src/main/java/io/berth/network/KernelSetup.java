package io.berth.network;

/**
 * A new network's kernel objects made all or nothing: a driver's create that fails half-way
 * deletes what it made, so a failed {@code network create} leaves no bridge, link or table.
 */
public final class KernelSetup {
  private KernelSetup() {}

  /** Runs {@code init} for {@code n}; on failure deletes {@code n} and rethrows, the cleanup's own failure suppressed. */
  public static <N extends Network> N initOrDelete(N n, Runnable init) {
    try {
      init.run();
      return n;
    } catch (RuntimeException e) {
      try {
        n.delete();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }
}
