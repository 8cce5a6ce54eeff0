package io.berth.network.seal;

import io.berth.errdefs.UnavailableException;
import io.berth.network.Ipv4;
import io.berth.network.netlink.NetNamespaces;
import io.berth.network.netlink.TunDevice;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An encrypted point-to-point underlay between the nodes of a cluster, in user space because
 * kernels such as this one have neither ESP nor WireGuard (decision 0039). The kernel routes
 * the tunnel subnet into a tun; each IP packet read there is sealed with AES-256-GCM
 * ({@link Envelope}) and sent in one UDP datagram to the peer that owns its destination; each
 * datagram received is authenticated, checked against replays, opened and written to the tun.
 * An encrypted overlay binds its VXLAN device to the tunnel address, so its frames cross the
 * network only sealed.
 *
 * <p>Two platform threads move the packets, one per direction: the tun is read in poll(2)
 * (native blocking, which would pin a virtual thread's carrier) and each reader seals or opens
 * and sends in place, so the kernel's socket buffers and the tun's queue are the only queues
 * and the back-pressure is theirs. Peers and keys are immutable tables swapped whole
 * ({@link #peers}, {@link #keys}), read once per packet. {@link #close} ends both threads and
 * closes the tun, which takes its address and route with it.
 */
public final class SealedUnderlay implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SealedUnderlay.class);
  private static final int POLL_MILLIS = 200;
  private static final int SOCKET_BUFFER = 4 << 20;
  private static final int MAX_PACKET = 65535;
  private static final long STOP_MILLIS = 5000;

  private final SealSpec spec;
  private final TunnelAddress self;
  private final TunDevice tun;
  private final DatagramChannel socket;
  private final Outcome.Tally tally = new Outcome.Tally();
  private final Thread tunReader;
  private final Thread socketReader;
  private volatile KeyRing ring = KeyRing.EMPTY;
  private volatile PeerTable peers = PeerTable.EMPTY;
  private volatile boolean closed;
  private volatile String failure;

  private SealedUnderlay(SealSpec spec, Parts parts) {
    this.spec = spec;
    this.self = spec.tunnel();
    this.tun = parts.tun();
    this.socket = parts.socket();
    String name = spec.tunName();
    this.tunReader = Thread.ofPlatform().daemon().name("seal-out-" + name).unstarted(this::sealLoop);
    this.socketReader = Thread.ofPlatform().daemon().name("seal-in-" + name).unstarted(this::openLoop);
  }

  /** Opens a sealed underlay in the calling thread's network namespace (berthd's). */
  public static SealedUnderlay open(String tunName, String tunnelCidr, InetSocketAddress listen) {
    return open(new SealSpec(tunName, tunnelCidr, listen));
  }

  public static SealedUnderlay open(SealSpec spec) {
    return start(spec, Parts.make(spec));
  }

  /** As {@link #open}, with the tun and the socket inside the namespace file {@code netns}. */
  public static SealedUnderlay openIn(Path netns, SealSpec spec) {
    return start(spec, NetNamespaces.inside(netns, () -> Parts.make(spec)));
  }

  private static SealedUnderlay start(SealSpec spec, Parts parts) {
    SealedUnderlay u = new SealedUnderlay(spec, parts);
    u.tunReader.start();
    u.socketReader.start();
    LOG.info("sealed underlay {} {} listening on {}", spec.tunName(), u.self, u.localAddress());
    return u;
  }

  /** Replaces the peers (level-triggered: the whole set each time). */
  public void peers(Collection<SealPeer> peers) {
    this.peers = PeerTable.of(peers, self);
  }

  /**
   * Replaces the keys in one step: packets are sealed with key {@code primaryId} from the next
   * one on, and opened with any of {@code keys}.
   */
  public void keys(List<SealKey> keys, int primaryId) {
    this.ring = KeyRing.of(keys, primaryId);
  }

  public SealCounters counters() {
    return tally.snapshot();
  }

  /** The tun's MTU; a VXLAN device sending through the tun needs 50 bytes less. */
  public int mtu() {
    return spec.tunMtu();
  }

  public String tunnelAddress() {
    return Ipv4.format(self.address());
  }

  /** Where the socket listens (the port the kernel chose when the spec said 0). */
  public InetSocketAddress localAddress() {
    try {
      return (InetSocketAddress) socket.getLocalAddress();
    } catch (IOException e) {
      throw new UnavailableException("sealed underlay " + spec.tunName() + ": " + e.getMessage(), e);
    }
  }

  /** Why a packet thread stopped before {@link #close}, if one did: the underlay no longer carries traffic. */
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  /** Tun to network: seal each packet for the peer owning its destination. */
  private void sealLoop() {
    ByteBuffer in = ByteBuffer.allocateDirect(MAX_PACKET);
    ByteBuffer out = ByteBuffer.allocateDirect(MAX_PACKET + Envelope.OVERHEAD);
    Sealer sealer = new Sealer(self.address());
    while (!closed) {
      in.clear();
      try {
        if (tun.read(in, POLL_MILLIS) == 0) {
          continue;
        }
      } catch (RuntimeException e) {
        stopped("reading the tun", e);
        return;
      }
      in.flip();
      int destination = InnerPacket.ipv4Destination(in);
      SealPeer peer = peers.byTunnel().get(destination);
      try {
        if (peer == null || !sealer.seal(in, destination, ring.primary(), out)) {
          tally.add(Outcome.DROPPED_UNSENDABLE);
          continue;
        }
        socket.send(out, peer.underlay());
        tally.add(Outcome.SENT);
      } catch (ClosedChannelException e) {
        stopped("sending", e);
        return;
      } catch (IOException e) {
        tally.add(Outcome.DROPPED_UNSENDABLE); // the network refused it (unreachable, no buffer): as a lost packet
        LOG.debug("sealed underlay {}: sending to {}: {}", spec.tunName(), peer.underlay(), e.toString());
      } catch (GeneralSecurityException e) {
        stopped("sealing", e);
        return;
      }
    }
  }

  /** Network to tun: open each datagram from a peer, write what authenticates. */
  private void openLoop() {
    ByteBuffer in = ByteBuffer.allocateDirect(MAX_PACKET);
    ByteBuffer out = ByteBuffer.allocateDirect(MAX_PACKET);
    Opener opener = new Opener(self.address());
    PeerTable known = peers;
    while (!closed) {
      in.clear();
      SocketAddress from;
      try {
        from = socket.receive(in);
      } catch (IOException e) {
        stopped("receiving", e);
        return;
      }
      in.flip();
      PeerTable now = peers;
      if (now != known) {
        opener.retain(now);
        known = now;
      }
      int sender = now.senderAt(((InetSocketAddress) from).getAddress());
      Outcome outcome;
      try {
        outcome = sender == 0 ? Outcome.DROPPED_PEER : opener.open(in, sender, ring, out);
      } catch (GeneralSecurityException e) {
        stopped("opening", e);
        return;
      }
      if (outcome == Outcome.RECEIVED) {
        try {
          tun.write(out);
        } catch (RuntimeException e) {
          if (closed) {
            return;
          }
          outcome = Outcome.DROPPED_MALFORMED; // the kernel refused the inner packet
        }
      }
      tally.add(outcome);
    }
  }

  private void stopped(String doing, Exception e) {
    if (closed) {
      return;
    }
    failure = "sealed underlay " + spec.tunName() + ": " + doing + ": " + (e.getMessage() == null ? e : e.getMessage());
    LOG.error(failure, e);
  }

  /** Ends both packet threads, then closes the socket and the tun (the kernel removes its address and route). */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      socket.close(); // wakes the socket's reader
    } catch (IOException e) {
      LOG.warn("sealed underlay {}: closing the socket: {}", spec.tunName(), e.toString());
    }
    boolean interrupted = false;
    for (Thread t : List.of(tunReader, socketReader)) {
      try {
        t.join(STOP_MILLIS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
      if (t.isAlive()) {
        LOG.warn("sealed underlay {}: {} did not stop within {} ms", spec.tunName(), t.getName(), STOP_MILLIS);
      }
    }
    tun.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The tun and the socket, made in one namespace; whichever was made is closed if the other fails. */
  private record Parts(TunDevice tun, DatagramChannel socket) implements AutoCloseable {
    static Parts make(SealSpec spec) {
      TunnelAddress t = spec.tunnel();
      TunDevice tun = TunDevice.create(spec.tunName(), spec.tunMtu(), t.address(), t.prefix());
      try {
        DatagramChannel socket = DatagramChannel.open(spec.listen().getAddress() instanceof Inet6Address
            ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
          socket.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
          socket.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
          socket.bind(spec.listen());
          return new Parts(tun, socket);
        } catch (IOException | RuntimeException e) {
          socket.close();
          throw e;
        }
      } catch (IOException e) {
        tun.close();
        throw new UnavailableException("sealed underlay " + spec.tunName() + ": listening on " + spec.listen() + ": "
            + e.getMessage(), e);
      } catch (RuntimeException e) {
        tun.close();
        throw e;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
      tun.close();
    }
  }
}
