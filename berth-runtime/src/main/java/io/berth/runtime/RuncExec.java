package io.berth.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.errdefs.UnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * {@code docker exec} through {@code runc exec --process}: the process inherits the container's
 * capabilities, rlimits and environment (plus the exec's own), with its user resolved in the
 * container's passwd. With a TTY, runc needs a terminal on its own stdio, which {@code script}
 * from util-linux provides; terminal resize of a TTY exec is not supported yet.
 */
final class RuncExec implements ExecSession {
  private final Process process;
  private final Path pidFile;
  private final Path specFile;
  private final boolean tty;
  private final CompletableFuture<Integer> exit;
  private volatile Path pty;

  private RuncExec(Process process, Path pidFile, Path specFile, boolean tty) {
    this.process = process;
    this.pidFile = pidFile;
    this.specFile = specFile;
    this.tty = tty;
    this.exit = process.onExit().thenApply(p -> {
      cleanup();
      return p.exitValue();
    });
  }

  static ExecSession start(Runc runc, ObjectMapper m, OciSpecGenerator specs, String id,
      ContainerRuntime.ExecSpec spec, Path stateDir) {
    try {
      JsonNode bundle = m.readTree(stateDir.resolve("config.json").toFile());
      ObjectNode p = ((ObjectNode) bundle.path("process")).deepCopy();
      Path rootfs = Path.of(bundle.path("root").path("path").asText());
      p.put("terminal", spec.tty());
      ContainerRuntime.ConsoleSize size = spec.tty() ? spec.consoleSize() : null;
      if (size != null) {
        p.putObject("consoleSize").put("height", size.height()).put("width", size.width());
      }
      ArrayNode args = p.putArray("args");
      spec.args().forEach(args::add);
      if (spec.user() != null) {
        UserResolver.User u = UserResolver.resolve(rootfs, spec.user());
        ObjectNode user = p.putObject("user");
        user.put("uid", u.uid());
        user.put("gid", u.gid());
        if (u.uid() != 0) {
          ((ObjectNode) p.path("capabilities")).putArray("effective");
          ((ObjectNode) p.path("capabilities")).putArray("permitted");
        }
      }
      if (spec.workingDir() != null) {
        p.put("cwd", spec.workingDir());
      }
      ArrayNode env = (ArrayNode) p.path("env");
      if (spec.env() != null) {
        for (String e : spec.env()) {
          String key = e.contains("=") ? e.substring(0, e.indexOf('=') + 1) : e + "=";
          for (int i = env.size() - 1; i >= 0; i--) {
            if (env.get(i).asText().startsWith(key)) {
              env.remove(i);
            }
          }
          env.add(e);
        }
      }
      if (spec.privileged()) {
        ObjectNode caps = (ObjectNode) p.path("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
          ArrayNode a = caps.putArray(set);
          Capabilities.grantable().forEach(a::add);
        }
      }
      String tag = UUID.randomUUID().toString().substring(0, 8);
      Path specFile = stateDir.resolve("exec-" + tag + ".json");
      Path pidFile = stateDir.resolve("exec-" + tag + ".pid");
      PrivateFiles.write(specFile, m.writeValueAsBytes(p));
      List<String> cmd = new ArrayList<>(List.of(runc.binary(), "--root", runc.root().toString(), "exec",
          "--process", specFile.toString(), "--pid-file", pidFile.toString(), id));
      if (spec.tty()) {
        // runc copies the size of its own terminal to the container's as it starts: give
        // script's terminal the client's size first, or the process would see 0x0
        String sized = size == null ? "exec " + shellQuote(cmd)
            : "stty rows " + size.height() + " cols " + size.width() + " 2>/dev/null; exec " + shellQuote(cmd);
        cmd = List.of("script", "-qfec", sized, "/dev/null");
      }
      Process proc = new ProcessBuilder(cmd).start();
      return new RuncExec(proc, pidFile, specFile, spec.tty());
    } catch (IOException e) {
      throw new UnavailableException("exec in " + id + " failed: " + e.getMessage());
    }
  }

  private static String shellQuote(List<String> cmd) {
    StringBuilder sb = new StringBuilder();
    for (String c : cmd) {
      sb.append('\'').append(c.replace("'", "'\\''")).append("' ");
    }
    return sb.toString().trim();
  }

  private void cleanup() {
    try {
      Files.deleteIfExists(specFile);
      Files.deleteIfExists(pidFile);
    } catch (IOException ignored) {
      // state dir may be gone with the container
    }
  }

  @Override
  public int pid() {
    String s = RuncRuntime.readQuietly(pidFile).trim();
    return s.matches("\\d+") ? Integer.parseInt(s) : 0;
  }

  @Override
  public OutputStream stdin() {
    return process.getOutputStream();
  }

  @Override
  public InputStream stdout() {
    return process.getInputStream();
  }

  @Override
  public InputStream stderr() {
    return tty ? InputStream.nullInputStream() : process.getErrorStream();
  }

  @Override
  public CompletableFuture<Integer> exitCode() {
    return exit;
  }

  @Override
  public void resize(int height, int width) {
    if (!tty || height <= 0 || width <= 0 || !process.isAlive()) {
      return;
    }
    Path t = pty();
    if (t != null) {
      TerminalSize.set(t, height, width);
    }
  }

  /**
   * The terminal {@code script} made for runc: the standard input of its child. The child is
   * forked as script starts, so a resize sent at once (the client's first one) waits for it,
   * boundedly; null if it never shows (the exec ended).
   */
  private Path pty() {
    Path known = pty;
    if (known != null) {
      return known;
    }
    for (int i = 0; i < 100 && process.isAlive(); i++) {
      for (ProcessHandle child : (Iterable<ProcessHandle>) process.children()::iterator) {
        try {
          Path in = Files.readSymbolicLink(Path.of("/proc", Long.toString(child.pid()), "fd", "0"));
          if (in.toString().startsWith("/dev/pts/")) {
            pty = in;
            return in;
          }
        } catch (IOException notYet) {
          // the child is still setting itself up
        }
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        process.getOutputStream().close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }
}
