package io.berth.build.executor;

import io.berth.build.dockerfile.Instruction;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.ContainerConfig;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HEALTHCHECK as the image stores it: the test and durations in nanoseconds (Go duration syntax). */
final class Healthchecks {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private Healthchecks() {}

  static ContainerConfig.HealthConfig of(Instruction.Healthcheck h) {
    return new ContainerConfig.HealthConfig(h.test(), nanos(h.interval(), "interval"), nanos(h.timeout(), "timeout"),
        nanos(h.startPeriod(), "start-period"), nanos(h.startInterval(), "start-interval"), h.retries());
  }

  static Long nanos(String d, String what) {
    if (d == null) {
      return null;
    }
    Matcher m = PART.matcher(d);
    double total = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      double v = Double.parseDouble(m.group(1));
      total += v * switch (m.group(2)) {
        case "ns" -> 1;
        case "us", "µs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
      end = m.end();
    }
    if (end != d.length() || d.isEmpty()) {
      throw new InvalidArgumentException("HEALTHCHECK --" + what + "=" + d + ": not a duration (e.g. 30s, 1m30s)");
    }
    return (long) total;
  }
}
