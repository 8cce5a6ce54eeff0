package io.berth.network.dns;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Opens sockets inside another network namespace: a platform thread enters the namespace with
 * setns(2) (through the FFM API: the JDK has no call for it), creates and binds the sockets and
 * goes back. A socket belongs to the namespace it was created in for its whole life, so the
 * server can then serve it from any thread. This is how 127.0.0.11 answers inside a container
 * while the server runs in berthd.
 */
final class NamespaceSockets {
  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x80000;
  private static final int CLONE_NEWNET = 0x40000000;
  private static final MethodHandle OPEN;
  private static final MethodHandle SETNS;
  private static final MethodHandle CLOSE;

  static {
    Linker linker = Linker.nativeLinker();
    SymbolLookup libc = linker.defaultLookup();
    OPEN = linker.downcallHandle(libc.find("open").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
        Linker.Option.firstVariadicArg(2));
    SETNS = linker.downcallHandle(libc.find("setns").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    CLOSE = linker.downcallHandle(libc.find("close").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  }

  /** A UDP and a TCP socket bound to the same address inside one namespace. */
  record Pair(DatagramChannel udp, ServerSocketChannel tcp) implements AutoCloseable {
    @Override
    public void close() {
      try {
        udp.close();
      } catch (IOException ignored) {
        // closing
      }
      try {
        tcp.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  private NamespaceSockets() {}

  /** Binds UDP and TCP sockets to {@code address} inside the namespace file {@code netns}. */
  static Pair open(Path netns, InetSocketAddress address) throws IOException {
    AtomicReference<Object> result = new AtomicReference<>();
    Thread t = Thread.ofPlatform().name("netns-sockets").start(() -> {
      try {
        result.set(openHere(netns, address));
      } catch (Throwable e) {
        result.set(e);
      }
    });
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while opening sockets in " + netns, e);
    }
    Object r = result.get();
    if (r instanceof Pair p) {
      return p;
    }
    if (r instanceof IOException e) {
      throw e;
    }
    throw new IOException("opening sockets in " + netns + ": " + r, r instanceof Throwable th ? th : null);
  }

  private static Pair openHere(Path netns, InetSocketAddress address) throws Throwable {
    int home = open(Path.of("/proc/thread-self/ns/net"));
    try {
      int target = open(netns);
      try {
        if ((int) SETNS.invokeExact(target, CLONE_NEWNET) != 0) {
          throw new IOException("setns into " + netns + " failed (needs root and a network namespace file)");
        }
        DatagramChannel udp = null;
        try {
          udp = DatagramChannel.open();
          udp.bind(address);
          ServerSocketChannel tcp = ServerSocketChannel.open();
          try {
            tcp.bind(address, 64);
          } catch (IOException e) {
            tcp.close();
            throw e;
          }
          return new Pair(udp, tcp);
        } catch (IOException e) {
          if (udp != null) {
            udp.close();
          }
          throw new IOException("binding " + address + " in " + netns + ": " + e.getMessage(), e);
        } finally {
          if ((int) SETNS.invokeExact(home, CLONE_NEWNET) != 0) {
            // this thread ends right after; nothing else ever runs on it in the wrong namespace
            throw new IOException("could not return to the host network namespace");
          }
        }
      } finally {
        int ignored = (int) CLOSE.invokeExact(target);
      }
    } finally {
      int ignored = (int) CLOSE.invokeExact(home);
    }
  }

  private static int open(Path file) throws Throwable {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment path = arena.allocateFrom(file.toString());
      int fd = (int) OPEN.invokeExact(path, O_RDONLY | O_CLOEXEC, 0);
      if (fd < 0) {
        throw new IOException("cannot open " + file);
      }
      return fd;
    }
  }
}
