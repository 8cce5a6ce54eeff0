package io.berth.daemon.container;

import io.berth.runtime.ContainerRuntime;
import io.berth.runtime.ExecSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a health probe as an exec in the container, as Docker does: its output (first 4 KiB of
 * stdout and stderr) and exit code, or -1 when it could not run or outlived its timeout.
 */
final class HealthProbes implements HealthMonitor.Prober {
  private static final Logger LOG = LoggerFactory.getLogger(HealthProbes.class);
  private static final int MAX_OUTPUT = 4096;
  private final ContainerRuntime runtime;
  private final ContainerPaths paths;
  private final Clock clock;

  HealthProbes(ContainerRuntime runtime, ContainerPaths paths, Clock clock) {
    this.runtime = runtime;
    this.paths = paths;
    this.clock = clock;
  }

  @Override
  public ContainerState.Probe run(Container c, List<String> cmd, Duration timeout) {
    ContainerState.Probe p = new ContainerState.Probe();
    p.start = clock.instant().toString();
    try (ExecSession s = runtime.exec(c.id, new ContainerRuntime.ExecSpec(cmd, List.of(), null, null,
        false, false, false), paths.state(c.id))) {
      s.stdin().close();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Thread t1 = Thread.ofVirtual().start(() -> copyBounded(s.stdout(), out));
      Thread t2 = Thread.ofVirtual().start(() -> copyBounded(s.stderr(), out));
      try {
        p.exitCode = s.exitCode().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        t1.join(1000);
        t2.join(1000);
        synchronized (out) {
          p.output = out.toString();
        }
      } catch (TimeoutException e) {
        p.exitCode = -1;
        p.output = "Health check exceeded timeout (" + timeout.toSeconds() + "s)";
      }
    } catch (Exception e) {
      LOG.debug("health probe of {} failed: {}", c.id, e.toString());
      p.exitCode = -1;
      p.output = e.getMessage();
    }
    p.end = clock.instant().toString();
    return p;
  }

  private static void copyBounded(InputStream in, ByteArrayOutputStream out) {
    byte[] buf = new byte[1024];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        synchronized (out) {
          if (out.size() < MAX_OUTPUT) {
            out.write(buf, 0, Math.min(n, MAX_OUTPUT - out.size()));
          }
        }
      }
    } catch (IOException ignored) {
      // process ended
    }
  }
}
