package io.berth.network.netlink;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * A layer-3 TUN device: IP packets the kernel routes to it are read here, packets written here
 * enter the kernel as if received on it. Berth uses one where it must touch packets in user
 * space (the sealed underlay encrypts them, as wireguard-go does, on kernels without ESP or
 * WireGuard). The device is not persistent: it lives exactly as long as this descriptor, so a
 * crash of the daemon removes it, its address and its routes. The descriptor is non-blocking
 * and reads wait in poll(2) with a timeout, so a reader notices {@link #close} without a
 * signal. One reading and one writing thread at a time; both must have stopped before close.
 */
public final class TunDevice implements AutoCloseable {
  private static final String CLONE_DEVICE = "/dev/net/tun";
  private static final long TUNSETIFF = 0x400454caL;
  private static final short IFF_TUN = 0x0001;
  private static final short IFF_NO_PI = 0x1000;
  private static final int IFREQ_SIZE = 40;
  private static final short POLLIN = 0x1;

  private final int fd;
  private final String name;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment readState = Libc.callState(arena);
  private final MemorySegment writeState = Libc.callState(arena);
  private final MemorySegment pollFd = arena.allocate(8); // struct pollfd {int fd; short events, revents}
  private volatile boolean closed;

  private TunDevice(int fd, String name) {
    this.fd = fd;
    this.name = name;
    pollFd.set(ValueLayout.JAVA_INT, 0, fd);
    pollFd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
  }

  /**
   * Creates tun {@code name} in the calling thread's network namespace with {@code mtu} and
   * {@code address/prefix} (an int, 10.0.0.1 is 0x0a000001; the kernel adds the prefix's route
   * through the device), and sets it up. Nothing is left behind on failure.
   */
  public static TunDevice create(String name, int mtu, int address, int prefix) {
    if (name == null || !name.matches("[a-zA-Z0-9_.-]{1,15}")) {
      throw new InvalidArgumentException("invalid interface name " + name);
    }
    int fd;
    try {
      fd = Libc.open(CLONE_DEVICE, Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
    } catch (Libc.Errno e) {
      throw new UnavailableException("creating tun " + name + ": " + e.getMessage() + " (CONFIG_TUN missing?)", e);
    }
    try (Arena a = Arena.ofConfined(); RouteSocket rt = RouteSocket.open()) {
      MemorySegment ifreq = a.allocate(IFREQ_SIZE);
      ifreq.setString(0, name);
      ifreq.set(ValueLayout.JAVA_SHORT, 16, (short) (IFF_TUN | IFF_NO_PI));
      Libc.ioctl(fd, TUNSETIFF, ifreq, "creating tun " + name + " (TUNSETIFF)");
      rt.setMtu(name, mtu);
      rt.configure(name, address, prefix, OptionalInt.empty());
      return new TunDevice(fd, name);
    } catch (Libc.Errno e) {
      Libc.close(fd);
      throw new UnavailableException(e.getMessage(), e);
    } catch (RuntimeException e) {
      Libc.close(fd);
      throw e;
    }
  }

  /** As {@link #create}, inside the namespace file {@code netns}; the device stays there. */
  public static TunDevice createIn(Path netns, String name, int mtu, int address, int prefix) {
    return NetNamespaces.inside(netns, () -> create(name, mtu, address, prefix));
  }

  public String name() {
    return name;
  }

  /**
   * One packet into {@code dst} from its position (which advances); 0 when none came within
   * {@code timeoutMillis}. A packet longer than the room left is cut short by the kernel, so
   * callers give room for the device's MTU.
   */
  public int read(ByteBuffer dst, int timeoutMillis) {
    MemorySegment at = MemorySegment.ofBuffer(dst);
    for (int attempt = 0; attempt < 2; attempt++) {
      long n = Libc.read(fd, at, at.byteSize(), readState);
      if (n >= 0) {
        dst.position(dst.position() + (int) n);
        return (int) n;
      }
      if (n != -Libc.EAGAIN && n != -Libc.EINTR) {
        throw failure("reading", (int) -n);
      }
      if (attempt == 0) {
        int ready = Libc.poll(pollFd, 1, timeoutMillis, readState);
        if (ready == 0 || ready == -Libc.EINTR) {
          return 0;
        }
        if (ready < 0) {
          throw failure("waiting on", -ready);
        }
      }
    }
    return 0;
  }

  /** Hands the packet in {@code src} (position to limit) to the kernel; the position advances. */
  public void write(ByteBuffer src) {
    MemorySegment packet = MemorySegment.ofBuffer(src);
    long n = Libc.write(fd, packet, packet.byteSize(), writeState);
    if (n < 0) {
      throw failure("writing a packet of " + packet.byteSize() + " bytes to", (int) -n);
    }
    src.position(src.limit());
  }

  private UnavailableException failure(String doing, int errno) {
    return new UnavailableException(doing + " tun " + name + ": " + Libc.strerror(errno)
        + (closed ? " (closed)" : ""));
  }

  /** Closes the descriptor: the kernel removes the device with its addresses and routes. Repeatable. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      Libc.close(fd);
      arena.close();
    }
  }
}
