package io.berth.network.netlink;

import io.berth.errdefs.AlreadyExistsException;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;

/**
 * An rtnetlink socket ({@code AF_NETLINK}/{@code NETLINK_ROUTE}) and the link, address and
 * route operations Berth does with it, in place of running {@code ip} (a process costs
 * milliseconds; a request here costs microseconds). A socket works on the network namespace it
 * was created in, whatever thread uses it later: {@link #openIn} makes one for a container.
 * Several requests go out in one {@code send}, each acknowledged; a refusal becomes an
 * exception naming the operation and the kernel's reason, e.g. {@code netlink: adding veth vb1
 * (peer eth0 in berth-x-abc): File exists} ({@link AlreadyExistsException} for EEXIST, else
 * {@link UnavailableException}). One thread at a time.
 */
public final class RouteSocket implements AutoCloseable {
  private static final int AF_NETLINK = 16;
  private static final int SOCK_RAW = 3;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int NETLINK_ROUTE = 0;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;
  private static final int SOL_NETLINK = 270;
  private static final int NETLINK_CAP_ACK = 10;
  private static final int NETLINK_EXT_ACK = 11;
  private static final int RECV_BUFFER = 65536;
  private static final int TIMEOUT_SECONDS = 5;
  private static final int MAX_DATAGRAMS = 64;

  private final int fd;
  private int seq;
  private boolean closed;

  private RouteSocket(int fd) {
    this.fd = fd;
  }

  /** A socket in the calling thread's network namespace (the host's, for berthd's threads). */
  public static RouteSocket open() {
    int fd;
    try {
      fd = Libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    } catch (Libc.Errno e) {
      throw new UnavailableException("netlink: " + e.getMessage(), e);
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment local = a.allocate(12); // sockaddr_nl: family, pad, pid 0 (the kernel picks), groups 0
      local.set(ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK);
      Libc.bind(fd, local);
      MemorySegment timeout = a.allocate(16); // struct timeval: a lost answer must not hang a request
      timeout.set(ValueLayout.JAVA_LONG, 0, TIMEOUT_SECONDS);
      Libc.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeout);
      MemorySegment one = a.allocate(ValueLayout.JAVA_INT);
      one.set(ValueLayout.JAVA_INT, 0, 1);
      Libc.setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, one); // errors without a copy of the request
      Libc.setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, one); // and with the kernel's own message
      return new RouteSocket(fd);
    } catch (Libc.Errno e) {
      Libc.close(fd);
      throw new UnavailableException("netlink: " + e.getMessage(), e);
    }
  }

  /** A socket inside the named namespace file (e.g. /run/netns/berth-x-abc). */
  public static RouteSocket openIn(Path netns) {
    return NetNamespaces.inside(netns, RouteSocket::open);
  }

  /** The index of link {@code name}, or empty when there is none. */
  public OptionalInt linkIndex(String name) {
    checkName(name);
    Answer a = exchange(List.of(RtRequests.getLink(name))).getFirst();
    if (a.ack().errno() == Libc.ENODEV) {
      return OptionalInt.empty();
    }
    check(a);
    return OptionalInt.of(a.ifIndex());
  }

  /**
   * Deletes link {@code name}; false when there was none (cleanup must be repeatable). The
   * kernel answers only after an RCU barrier, so this runs off a virtual thread's carrier.
   */
  public boolean deleteLink(String name) {
    checkName(name);
    NlRequest request = RtRequests.deleteLink(name);
    Answer a = PlatformThread.offCarrier(request.what, () -> exchange(List.of(request)).getFirst());
    if (a.ack().errno() == Libc.ENODEV) {
      return false;
    }
    check(a);
    return true;
  }

  /**
   * Deletes the link with index {@code index}, whatever it is named now; false when there is none.
   * An index is not reused while the kernel has others left, so this never hits a link made
   * later under the old one's name.
   */
  public boolean deleteLink(int index, String name) {
    NlRequest request = RtRequests.deleteLink(index, name);
    Answer a = PlatformThread.offCarrier(request.what, () -> exchange(List.of(request)).getFirst());
    if (a.ack().errno() == Libc.ENODEV) {
      return false;
    }
    check(a);
    return true;
  }

  /**
   * Creates veth {@code name} enslaved to {@code bridge}, up, in hairpin mode, with its peer
   * created directly in namespace {@code netns} as {@code peerName} with {@code peerMac}
   * (aa:bb:cc:dd:ee:ff), still down ({@link #configure} brings it up). {@link
   * AlreadyExistsException} when {@code name} exists, or {@code peerName} in the namespace.
   */
  public void addBridgedVeth(String name, String bridge, String peerName, String peerMac, Path netns) {
    addBridgedVeth(name, bridge, peerName, peerMac, netns, 0);
  }

  /** As above with both ends' MTU {@code mtu} (0: the kernel's default). */
  public void addBridgedVeth(String name, String bridge, String peerName, String peerMac, Path netns, int mtu) {
    checkName(name);
    checkName(peerName);
    int master = linkIndex(bridge).orElseThrow(() -> new UnavailableException(
        "netlink: bridge " + bridge + " does not exist (deleted while berthd runs? restarting berthd creates it)"));
    int nsFd = NetNamespaces.openFd(netns);
    try {
      String nsName = netns.getFileName().toString();
      checkAll(exchange(List.of(RtRequests.addVeth(name, master, peerName, mac(peerMac), nsFd, nsName, mtu),
          RtRequests.hairpin(name))));
    } finally {
      Libc.close(nsFd);
    }
  }

  /**
   * Inside a container's namespace: loopback and {@code ifName} up, {@code address/prefix} on
   * {@code ifName}, and the default route via {@code gateway} unless it is empty. Addresses as ints (10.0.0.1 is
   * 0x0a000001).
   */
  public void configure(String ifName, int address, int prefix, OptionalInt gateway) {
    checkName(ifName);
    int index = linkIndex(ifName).orElseThrow(() -> new UnavailableException("netlink: no link " + ifName));
    List<NlRequest> batch = new ArrayList<>(List.of(RtRequests.linkUp("lo"), RtRequests.linkUp(ifName),
        RtRequests.addAddress(index, bytes(address), prefix, ifName)));
    if (gateway.isPresent()) {
      batch.add(RtRequests.addDefaultRoute(index, bytes(gateway.getAsInt()), ifName));
    }
    checkAll(exchange(batch));
  }

  /** Sets the MTU of link {@code ifName} (the kernel refuses one outside the link's range). */
  public void setMtu(String ifName, int mtu) {
    checkName(ifName);
    checkAll(exchange(List.of(RtRequests.linkMtu(ifName, mtu))));
  }

  /** The outcome of one request: its acknowledgement and, for a link lookup, the index (else -1). */
  record Answer(String what, NlReply.Ack ack, int ifIndex) {}

  /**
   * Sends the requests in one datagram and reads until each one's acknowledgement came (the
   * kernel handles them in order, and goes on after a failed one), within the receive timeout
   * and {@value #MAX_DATAGRAMS} datagrams.
   */
  List<Answer> exchange(List<NlRequest> requests) {
    if (closed) {
      throw new IllegalStateException("netlink socket closed");
    }
    int first = seq + 1;
    List<byte[]> messages = new ArrayList<>();
    long total = 0;
    for (NlRequest r : requests) {
      byte[] m = r.bytes(++seq);
      messages.add(m);
      total += m.length;
    }
    NlReply.Ack[] acks = new NlReply.Ack[requests.size()];
    int[] index = new int[requests.size()];
    Arrays.fill(index, -1);
    String what = requests.getFirst().what + (requests.size() > 1 ? " and " + (requests.size() - 1) + " more" : "");
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment out = arena.allocate(total);
      long at = 0;
      for (byte[] m : messages) {
        MemorySegment.copy(m, 0, out, ValueLayout.JAVA_BYTE, at, m.length);
        at += m.length;
      }
      long sent = Libc.send(fd, out, total);
      if (sent != total) {
        throw new UnavailableException("netlink: " + what + ": sent " + sent + " of " + total + " bytes");
      }
      MemorySegment in = arena.allocate(RECV_BUFFER);
      int pending = requests.size();
      for (int datagrams = 0; pending > 0; datagrams++) {
        if (datagrams == MAX_DATAGRAMS) {
          throw new UnavailableException("netlink: " + what + ": no acknowledgement after " + MAX_DATAGRAMS + " answers");
        }
        int n = (int) Libc.recv(fd, in);
        byte[] copy = in.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        for (NlReply m : NlReply.parse(ByteBuffer.wrap(copy), n)) {
          int i = m.seq() - first;
          if (i < 0 || i >= acks.length) {
            continue; // an answer to an earlier exchange that gave up
          }
          if (m.type() == NlReply.NLMSG_ERROR) {
            if (acks[i] == null) {
              pending--;
            }
            acks[i] = m.error();
          } else if (m.type() == RtRequests.RTM_NEWLINK) {
            index[i] = m.ifIndex();
          }
        }
      }
    } catch (Libc.Errno e) {
      if (e.errno == Libc.EAGAIN) {
        throw new UnavailableException("netlink: " + what + ": no answer from the kernel within " + TIMEOUT_SECONDS + "s", e);
      }
      throw new UnavailableException("netlink: " + what + ": " + e.getMessage(), e);
    }
    List<Answer> answers = new ArrayList<>();
    for (int i = 0; i < acks.length; i++) {
      answers.add(new Answer(requests.get(i).what, acks[i], index[i]));
    }
    return answers;
  }

  /** Throws for the first refused request (the later ones often fail only because of it). */
  private static void checkAll(List<Answer> answers) {
    answers.forEach(RouteSocket::check);
  }

  private static void check(Answer a) {
    if (a.ack().errno() != 0) {
      throw failure(a.what(), a.ack());
    }
  }

  static BerthException failure(String what, NlReply.Ack ack) {
    String text = "netlink: " + what + ": " + Libc.strerror(ack.errno())
        + (ack.message() == null || ack.message().isEmpty() ? "" : " (" + ack.message() + ")");
    return ack.errno() == Libc.EEXIST ? new AlreadyExistsException(text) : new UnavailableException(text);
  }

  private static void checkName(String name) {
    if (name == null || !name.matches("[a-zA-Z0-9_.-]{1,15}")) {
      throw new InvalidArgumentException("invalid interface name " + name);
    }
  }

  /** aa:bb:cc:dd:ee:ff as six bytes. */
  static byte[] mac(String mac) {
    try {
      byte[] b = HexFormat.ofDelimiter(":").parseHex(mac);
      if (b.length == 6) {
        return b;
      }
    } catch (IllegalArgumentException e) {
      // refused below
    }
    throw new InvalidArgumentException("invalid MAC address " + mac);
  }

  /** An IPv4 address in network byte order. */
  static byte[] bytes(int address) {
    return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      Libc.close(fd);
    }
  }
}
