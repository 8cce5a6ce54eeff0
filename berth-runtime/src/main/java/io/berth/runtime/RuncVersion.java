package io.berth.runtime;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code runc --version} says: runc's version and the Go it was built with, for the runc
 * defects berthd has to tell its operator about rather than work around.
 *
 * <p>The one known today: runc 1.0 to 1.1.12 built with Go 1.19 or later sets the rlimits of a
 * {@code runc exec} process from the parent with prlimit(2) while the child's Go runtime raises
 * its own RLIMIT_NOFILE soft limit to the hard one; when the prlimit lands first, the exec'd
 * process runs with soft = hard (opencontainers/runc#4195, fixed in 1.1.13 and 1.2.0). Berth
 * passes the container's rlimits to {@code runc exec} as dockerd does, so only a runc without
 * the defect makes a {@code --ulimit nofile=SOFT:HARD} with SOFT &lt; HARD hold in every exec.
 *
 * @param version e.g. {@code 1.1.5+ds1}; {@code go} e.g. {@code 1.19.8}, empty when not printed
 */
public record RuncVersion(String version, String go) {
  private static final Pattern RUNC = Pattern.compile("(?m)^runc version (\\S+)");
  private static final Pattern GO = Pattern.compile("(?m)^go: go(\\S+)");
  private static final Pattern NUMBERS = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

  /** Reads the output of {@code runc --version}; unknown parts are empty. */
  public static RuncVersion parse(String output) {
    Matcher r = RUNC.matcher(output);
    Matcher g = GO.matcher(output);
    return new RuncVersion(r.find() ? r.group(1) : "", g.find() ? g.group(1) : "");
  }

  /**
   * True when this runc may start an exec'd process with its RLIMIT_NOFILE soft limit raised to
   * the hard one (see the class comment); false when it is known not to, or cannot be told.
   */
  public boolean execNofileRace() {
    int[] runc = numbers(version);
    int[] golang = numbers(go);
    if (runc == null || golang == null) {
      return false;
    }
    boolean affectedRunc = runc[0] == 1 && (runc[1] == 0 || runc[1] == 1 && runc[2] < 13);
    boolean raisingGo = golang[0] > 1 || golang[0] == 1 && golang[1] >= 19;
    return affectedRunc && raisingGo;
  }

  private static int[] numbers(String v) {
    Matcher m = NUMBERS.matcher(v);
    if (!m.find()) {
      return null;
    }
    return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        m.group(3) == null ? 0 : Integer.parseInt(m.group(3))};
  }
}
