package io.berth.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.format.Units;
import java.math.BigDecimal;

/**
 * The values of the resource and restart flags {@code run}, {@code create} and {@code update}
 * share, parsed as docker's CLI parses them, with its words when one is malformed.
 */
public final class ResourceFlags {
  private ResourceFlags() {}

  /** A size flag ({@code 512m}, {@code 1g}) in bytes; {@code flag} names it in errors. */
  public static long bytes(String value, String flag) {
    try {
      return Units.memory(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid argument \"" + value + "\" for \"" + flag + "\" flag: "
          + e.getMessage());
    }
  }

  /** {@code --cpus} (a decimal number of CPUs) as NanoCpus. */
  public static long nanoCpus(String cpus) {
    return nanoCpus(cpus, "--cpus");
  }

  /** A CPU count flag ({@code --limit-cpu 0.5}) as NanoCpus; {@code flag} names it in errors. */
  public static long nanoCpus(String cpus, String flag) {
    try {
      return new BigDecimal(cpus).movePointRight(9).longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("invalid argument \"" + cpus + "\" for \"" + flag + "\" flag: failed to parse "
          + cpus + " as a rational number");
    }
  }

  /** Sets {@code --restart name[:count]} on a RestartPolicy object: its Name and MaximumRetryCount. */
  static void restart(String value, ObjectNode policy) {
    String[] r = value.split(":", 2);
    policy.put("Name", r[0]);
    if (r.length == 2) {
      try {
        policy.put("MaximumRetryCount", Integer.parseInt(r[1]));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid restart policy: maximum retry count must be an integer: " + r[1]);
      }
    }
  }
}
