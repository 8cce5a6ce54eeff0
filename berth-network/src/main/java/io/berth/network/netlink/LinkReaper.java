package io.berth.network.netlink;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes links in the background. The kernel answers a link deletion only after an RCU grace
 * period (10-100 ms here), and a container's host-side veth is the last thing its teardown
 * waited for: with the namespace gone nothing can use the veth any more, so {@code docker run
 * --rm} need not wait for it. Links are deleted by index, never by name, so a veth made again
 * under the same name (the container restarted meanwhile) is not touched. A deletion lost to a
 * daemon stop costs nothing: the kernel removes a veth whose peer's namespace is destroyed.
 */
public final class LinkReaper {
  private static final Logger LOG = LoggerFactory.getLogger(LinkReaper.class);
  private static final LinkReaper INSTANCE = new LinkReaper();

  private record Link(int index, String name) {}

  private final BlockingQueue<Link> queue = new LinkedBlockingQueue<>();

  private LinkReaper() {
    Thread.ofPlatform().name("link-reaper").daemon().start(this::run);
  }

  public static LinkReaper get() {
    return INSTANCE;
  }

  /** Deletes the host link {@code name} soon, by the index it has now; nothing when it has none. */
  public void deleteLater(String name) {
    try (RouteSocket host = RouteSocket.open()) {
      host.linkIndex(name).ifPresent(i -> queue.add(new Link(i, name)));
    }
  }

  /** True when nothing is left to delete (for tests). */
  public boolean idle() {
    return queue.isEmpty();
  }

  private void run() {
    while (true) {
      Link l;
      try {
        l = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try (RouteSocket host = RouteSocket.open()) {
        host.deleteLink(l.index(), l.name());
      } catch (RuntimeException e) {
        LOG.warn("deleting link {}: {}", l.name(), e.getMessage());
      }
    }
  }
}
