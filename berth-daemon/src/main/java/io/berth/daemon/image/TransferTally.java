package io.berth.daemon.image;

import io.berth.distribution.PullListener;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Passes a transfer's progress on to the client and adds up the sizes of the layers that really
 * moved: those reported with {@code doneStatus} ("Download complete", "Pushed"), not those the
 * other side already had.
 */
final class TransferTally implements PullListener {
  private final PullListener next;
  private final String doneStatus;
  private final AtomicLong bytes = new AtomicLong();

  TransferTally(PullListener next, String doneStatus) {
    this.next = next;
    this.doneStatus = doneStatus;
  }

  @Override
  public void progress(String id, String status, long current, long total) {
    if (doneStatus.equals(status) && total > 0) {
      bytes.addAndGet(total);
    }
    next.progress(id, status, current, total);
  }

  long bytes() {
    return bytes.get();
  }
}
