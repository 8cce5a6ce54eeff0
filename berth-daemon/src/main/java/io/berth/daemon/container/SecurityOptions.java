package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.runtime.DockerSeccomp;
import io.berth.runtime.HostFeatures;
import io.berth.runtime.SecurityProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * HostConfig.SecurityOpt (and MaskedPaths/ReadonlyPaths, which the docker CLI sends for
 * {@code --security-opt systempaths=unconfined}) read with dockerd's rules and words:
 * {@code no-new-privileges[=bool]}, {@code seccomp=unconfined|builtin|<profile JSON>},
 * {@code apparmor=PROFILE}, {@code label=...}, {@code key:value} as the old spelling of
 * {@code key=value}; anything else is refused ("invalid --security-opt 2"). Where dockerd
 * would drop an AppArmor profile or SELinux label on a host without that module, Berth refuses
 * it, since it could not apply it.
 */
final class SecurityOptions {
  private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");
  private static final Set<String> FALSE = Set.of("0", "f", "F", "FALSE", "false", "False");
  private static final Path APPARMOR_PROFILES = Path.of("/sys/kernel/security/apparmor/profiles");

  private SecurityOptions() {}

  /** The profile a container runs with; throws InvalidArgumentException for an option Berth cannot apply. */
  static SecurityProfile parse(JsonNode hostConfig, HostFeatures host) {
    String seccomp = null;
    boolean nnp = false;
    String apparmor = null;
    List<String> masked = paths(hostConfig.get("MaskedPaths"), "MaskedPaths");
    List<String> readonly = paths(hostConfig.get("ReadonlyPaths"), "ReadonlyPaths");
    for (JsonNode n : hostConfig.path("SecurityOpt")) {
      String opt = n.asText();
      if (opt.equals("no-new-privileges")) {
        nnp = true;
        continue;
      }
      if (opt.equals("disable")) {
        label("disable", host);
        continue;
      }
      int sep = opt.contains("=") ? opt.indexOf('=') : opt.indexOf(':');
      if (sep < 0) {
        throw new InvalidArgumentException("invalid --security-opt 1: \"" + opt + "\"");
      }
      String key = opt.substring(0, sep);
      String value = opt.substring(sep + 1);
      switch (key) {
        case "seccomp" -> seccomp = seccomp(value);
        case "no-new-privileges" -> nnp = bool(value, opt);
        case "apparmor" -> apparmor = apparmor(value, host);
        case "label" -> label(value, host);
        case "systempaths" -> {
          if (!value.equals("unconfined")) {
            throw new InvalidArgumentException("invalid --security-opt 2: \"" + opt + "\"");
          }
          masked = List.of();
          readonly = List.of();
        }
        default -> throw new InvalidArgumentException("invalid --security-opt 2: \"" + opt + "\"");
      }
    }
    return new SecurityProfile(seccomp, nnp, apparmor, masked, readonly);
  }

  /** The AppArmor profile inspect shows (empty when none was asked for); never throws. */
  static String appArmorProfile(JsonNode hostConfig) {
    String out = "";
    for (JsonNode n : hostConfig.path("SecurityOpt")) {
      String opt = n.asText();
      if (opt.startsWith("apparmor=") || opt.startsWith("apparmor:")) {
        out = opt.substring("apparmor=".length());
      }
    }
    return out;
  }

  private static String seccomp(String value) {
    return switch (value) {
      case "", "builtin" -> null;
      case SecurityProfile.UNCONFINED -> SecurityProfile.UNCONFINED;
      default -> {
        DockerSeccomp.validate(value);
        yield value;
      }
    };
  }

  private static boolean bool(String value, String opt) {
    if (TRUE.contains(value)) {
      return true;
    }
    if (FALSE.contains(value)) {
      return false;
    }
    throw new InvalidArgumentException("invalid --security-opt 2: \"" + opt + "\"");
  }

  private static String apparmor(String profile, HostFeatures host) {
    if (!host.appArmor()) {
      if (profile.equals(SecurityProfile.UNCONFINED)) {
        return null; // already so: the host has no AppArmor
      }
      throw new InvalidArgumentException("AppArmor is not enabled on this host: --security-opt apparmor="
          + profile + " cannot be applied (only apparmor=unconfined is accepted here)");
    }
    if (profile.isEmpty()) {
      throw new InvalidArgumentException("invalid --security-opt 2: \"apparmor=\": a profile name is required");
    }
    if (!profile.equals(SecurityProfile.UNCONFINED) && !loaded(profile)) {
      throw new InvalidArgumentException("AppArmor profile \"" + profile + "\" is not loaded on this host "
          + "(load it with apparmor_parser first)");
    }
    return profile;
  }

  private static boolean loaded(String profile) {
    try {
      for (String line : Files.readAllLines(APPARMOR_PROFILES)) {
        // "name (enforce)"
        int mode = line.lastIndexOf(" (");
        if ((mode < 0 ? line : line.substring(0, mode)).equals(profile)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return true; // securityfs not readable here: runc reports a missing profile at start
    }
  }

  /**
   * Without SELinux there is nothing to label: "disable" asks for what already holds, any
   * other label is refused. With SELinux, Berth does not label containers yet: refused too.
   */
  private static void label(String value, HostFeatures host) {
    if (value.equals("disable")) {
      return;
    }
    throw new InvalidArgumentException(host.selinux()
        ? "SELinux labels are not supported by Berth: --security-opt label=" + value + " cannot be applied"
        : "SELinux is not enabled on this host: --security-opt label=" + value + " cannot be applied");
  }

  /** A MaskedPaths or ReadonlyPaths list; null (unset) keeps Docker's default list. */
  private static List<String> paths(JsonNode list, String field) {
    if (list == null || list.isNull()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (JsonNode p : list) {
      if (!p.asText().startsWith("/")) {
        throw new InvalidArgumentException("invalid " + field + " entry \"" + p.asText() + "\": an absolute path is required");
      }
      out.add(p.asText());
    }
    return out;
  }
}
