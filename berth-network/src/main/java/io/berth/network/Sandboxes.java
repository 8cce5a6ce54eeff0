package io.berth.network;

import io.berth.errdefs.AlreadyExistsException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.netlink.NetNamespaces;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network namespaces of one daemon's containers, {@code berth-<tag>-<id[0:12]>} under
 * {@code /run/netns}. A sandbox is shared by every network a container joins, whatever their
 * driver, so it is made and removed here rather than by any one network.
 */
public final class Sandboxes {
  private static final Logger LOG = LoggerFactory.getLogger(Sandboxes.class);
  private final String tag;

  /** @param tag names this daemon's namespaces (its default bridge's name) */
  public Sandboxes(String tag) {
    this.tag = tag;
  }

  static void checkId(String id) {
    if (id == null || !id.matches("[a-zA-Z0-9]{12,128}")) {
      throw new InvalidArgumentException("invalid container id " + id + " (at least 12 letters or digits)");
    }
  }

  /** The namespace's name for a container id. */
  public String name(String id) {
    return "berth-" + tag + "-" + id.substring(0, Math.min(12, id.length()));
  }

  public Path path(String id) {
    return NetNamespaces.path(name(id));
  }

  public boolean exists(String id) {
    return NetNamespaces.exists(name(id));
  }

  /**
   * Creates the container's namespace with nothing but loopback, and returns its path: the
   * runtime can then create the container in it while the networks attach, which must only be
   * done before the process starts.
   */
  public String create(String id) {
    checkId(id);
    String ns = name(id);
    try {
      return NetNamespaces.create(ns).toString();
    } catch (AlreadyExistsException e) {
      // a leftover of a run that crashed: looked for only when it is in the way
      LOG.info("replacing network namespace {} left over by an earlier run", ns);
      NetNamespaces.delete(ns);
      return NetNamespaces.create(ns).toString();
    }
  }

  /** Deletes the container's namespace (every interface in it goes with it). Idempotent. */
  public void delete(String id) {
    checkId(id);
    NetNamespaces.delete(name(id));
  }
}
