package io.berth.cli.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

/**
 * The lab's registry: {@code berth registry serve} on the host's address on the lab bridge,
 * plain HTTP (the nodes list it under insecure-registries), storage under the lab's directory.
 */
final class LabRegistry {
  private static final Duration START_LIMIT = Duration.ofSeconds(60);

  private LabRegistry() {}

  /** Starts the registry and waits until it accepts connections; returns the state with its port and pid. */
  static LabState start(LabPaths paths, LabState lab) {
    int port = freePort(lab.hostAddress());
    try {
      Files.createDirectories(paths.registryDir());
    } catch (IOException e) {
      throw new LabException("cannot make " + paths.registryDir() + ": " + e.getMessage());
    }
    var log = paths.dir().resolve("registry.log");
    Process process = LabProcess.spawn(List.of(Checkout.bin("berth").toString(), "registry", "serve",
        "--addr", lab.hostAddress() + ":" + port, "--storage", paths.registryDir().toString(), "--insecure"), log);
    LabState started = lab.withRegistry(port, process.pid());
    boolean listening = Waits.until(START_LIMIT, () -> !process.isAlive() || accepts(lab.hostAddress(), port));
    if (!process.isAlive() || !listening) {
      String what = process.isAlive() ? "did not listen on " + started.registry() + " within " + START_LIMIT.toSeconds() + "s"
          : "exited with " + process.exitValue();
      throw new LabException("the lab registry " + what + "; its log " + log + " ends with:\n" + LabProcess.tail(log, 20));
    }
    return started;
  }

  static boolean alive(LabPaths paths, LabState lab) {
    return LabProcess.alive(lab.registryPid(), marker(paths));
  }

  private static String marker(LabPaths paths) {
    return "--storage " + paths.registryDir();
  }

  private static int freePort(String host) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new LabException("no free port on " + host + " for the lab registry: " + e.getMessage());
    }
  }

  private static boolean accepts(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
