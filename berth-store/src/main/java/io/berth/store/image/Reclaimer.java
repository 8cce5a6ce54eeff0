package io.berth.store.image;

import io.berth.oci.Digest;
import io.berth.store.content.ContentStore;
import io.berth.store.snapshot.OverlaySnapshotter;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what no image names any more: the blobs of removed images (and those a load or import
 * stored for nothing) and the unpacked layers no image uses; without making readers or unrelated
 * writers wait on it.
 *
 * <p>The race it rules out: a pull, load, import or build stores blobs and unpacks layers before
 * its image is recorded, and may find a blob or layer already there (an image being removed has
 * it) and count on it. Such an operation holds a {@link ImageStore.Lease} for its whole run, and a
 * sweep only starts when no lease is held; one asked for meanwhile waits for the last lease to
 * end. A sweep decides under the monitor's {@code marking} step — live sets from the records,
 * unused candidate blobs deleted, unused layer directories renamed aside, all quick — and new
 * leases wait for that step only; the slow part, deleting the renamed directories (a layer of a
 * million files takes a minute), comes after and blocks nobody.
 */
final class Reclaimer {
  private static final Logger LOG = LoggerFactory.getLogger(Reclaimer.class);
  private final ContentStore content;
  private final OverlaySnapshotter snapshotter;
  /** Fills in the blobs and chain ids (hex) recorded images use; takes the store's read lock. */
  private final BiConsumer<Set<Digest>, Set<String>> live;
  private final Set<Digest> candidates = new HashSet<>();
  private int leases;
  private boolean marking;
  private boolean pending;

  Reclaimer(ContentStore content, OverlaySnapshotter snapshotter, BiConsumer<Set<Digest>, Set<String>> live) {
    this.content = content;
    this.snapshotter = snapshotter;
    this.live = live;
  }

  /** A new lease; waits only while a sweep decides. Never call with the store's lock held. */
  ImageStore.Lease lease() {
    synchronized (this) {
      while (marking) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for a layer sweep to decide", e);
        }
      }
      leases++;
    }
    return new Held();
  }

  /**
   * Asks for {@code blobs} (when no image uses them) and every unused layer to go. With no lease
   * held the sweep runs now, in the caller's thread (as {@code docker rmi} returns once the files
   * are gone); otherwise when the last lease ends. Never call with the store's lock held.
   */
  void reclaim(Collection<Digest> blobs) {
    synchronized (this) {
      candidates.addAll(blobs);
      pending = true;
      if (leases > 0) {
        return;
      }
    }
    sweep(true);
  }


  /** The sweep; {@code wait}: delete the layers taken out of use before returning, else on a thread of their own. */
  private void sweep(boolean wait) {
    Set<Digest> blobs;
    synchronized (this) {
      if (leases > 0 || marking || !pending) {
        return; // a lease will run it, or a sweep deciding now takes these candidates too
      }
      marking = true;
      pending = false;
      blobs = new HashSet<>(candidates);
      candidates.clear();
    }
    List<Path> removed = List.of();
    try {
      Set<Digest> liveBlobs = new HashSet<>();
      Set<String> liveChains = new HashSet<>();
      live.accept(liveBlobs, liveChains);
      for (Digest d : blobs) {
        if (!liveBlobs.contains(d)) {
          content.delete(d);
        }
      }
      removed = snapshotter.unpublishLayersExcept(liveChains);
    } catch (RuntimeException e) {
      LOG.warn("removing unused image files: {}", e.toString());
    } finally {
      synchronized (this) {
        marking = false;
        notifyAll();
      }
    }
    if (wait) {
      OverlaySnapshotter.deleteRemoved(removed);
    } else if (!removed.isEmpty()) {
      List<Path> later = removed;
      Thread.ofVirtual().name("remove-layers").start(() -> OverlaySnapshotter.deleteRemoved(later));
    }
  }

  private final class Held implements ImageStore.Lease {
    private boolean closed;

    @Override
    public void close() {
      boolean run;
      synchronized (Reclaimer.this) {
        if (closed) {
          return;
        }
        closed = true;
        leases--;
        run = leases == 0 && pending;
      }
      if (run) {
        sweep(false); // one a removal asked for: the lease holder does not wait for the deletion
      }
    }
  }
}
