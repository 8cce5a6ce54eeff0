package io.berth.network.netlink;

import io.berth.errdefs.BerthException;
import io.berth.errdefs.UnavailableException;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a piece of work on a fresh platform thread and waits for it. Two reasons: namespace
 * switches (setns, unshare) act on the calling thread, and a virtual thread would carry them to
 * other tasks; and a native call that blocks long (deleting a link waits for RCU, 10-100 ms)
 * would hold a virtual thread's carrier, one of only as many as there are cores, while a virtual
 * thread waiting in {@code join} gives its carrier back.
 */
final class PlatformThread {
  private PlatformThread() {}

  /** {@code work}'s result; its BerthException as is, any other failure as UnavailableException naming {@code what}. */
  static <T> T call(String what, Callable<T> work) {
    AtomicReference<Object> result = new AtomicReference<>();
    Thread t = Thread.ofPlatform().name("netlink").start(() -> {
      try {
        result.set(new Box<>(work.call()));
      } catch (Throwable e) {
        result.set(e);
      }
    });
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // the work must finish (it may hold a mount half made): wait for it
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Object r = result.get();
    if (r instanceof Box<?> b) {
      @SuppressWarnings("unchecked")
      T value = (T) b.value();
      return value;
    }
    if (r instanceof BerthException e) {
      throw e;
    }
    if (r instanceof Libc.Errno e) {
      throw new UnavailableException(what + ": " + e.getMessage(), e);
    }
    Throwable e = (Throwable) r;
    throw new UnavailableException(what + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
  }

  /** As {@link #call}, but in place when the caller is a platform thread already. */
  static <T> T offCarrier(String what, Callable<T> work) {
    if (!Thread.currentThread().isVirtual()) {
      try {
        return work.call();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new UnavailableException(what + ": " + e.getMessage(), e);
      }
    }
    return call(what, work);
  }

  private record Box<T>(T value) {}
}
