package io.berth.runtime;

import io.berth.errdefs.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves {@code user[:group]} (names or numbers) against the container's own
 * {@code /etc/passwd} and {@code /etc/group}, as Docker does, and finds the home directory and
 * supplementary groups.
 */
public final class UserResolver {
  /** A resolved user. */
  public record User(int uid, int gid, List<Integer> additionalGids, String home) {}

  private UserResolver() {}

  static User resolve(Path rootfs, String spec) {
    return resolve(rootfs.resolve("etc/passwd"), rootfs.resolve("etc/group"), spec);
  }

  /**
   * Resolves {@code spec} against these passwd and group files (either may be missing or null: numeric
   * ids still work). An empty user or group part means root's, as in {@code docker run --user :33}.
   */
  public static User resolve(Path passwdFile, Path groupFile, String spec) {
    String user = spec == null || spec.isEmpty() ? "0" : spec;
    String group = null;
    int colon = user.indexOf(':');
    if (colon >= 0) {
      group = user.substring(colon + 1);
      user = user.substring(0, colon);
      if (group.isEmpty()) {
        group = null;
      }
    }
    if (user.isEmpty()) {
      user = "0";
    }
    List<String[]> passwd = read(passwdFile);
    List<String[]> groups = read(groupFile);
    int uid = -1;
    int gid = -1;
    String home = "/";
    String name = null;
    for (String[] p : passwd) {
      if (p.length >= 6 && (p[0].equals(user) || p[2].equals(user))) {
        uid = parse(p[2]);
        gid = parse(p[3]);
        home = p[5];
        name = p[0];
        break;
      }
    }
    if (uid < 0) {
      if (!user.matches("\\d+")) {
        throw new InvalidArgumentException("unable to find user " + user + ": no matching entries in passwd file");
      }
      uid = id(user);
      gid = 0;
    }
    if (group != null) {
      gid = group(groups, group);
    }
    List<Integer> extra = new ArrayList<>();
    if (name != null && group == null) {
      for (String[] g : groups) {
        if (g.length >= 4 && !g[3].isEmpty() && List.of(g[3].split(",")).contains(name)) {
          int id = parse(g[2]);
          if (id >= 0 && id != gid) {
            extra.add(id);
          }
        }
      }
    }
    return new User(uid, gid, extra, home);
  }

  /** A group name or number as the container's /etc/group knows it (a number it lacks is kept). */
  static int group(Path rootfs, String group) {
    return group(read(rootfs.resolve("etc/group")), group);
  }

  private static int group(List<String[]> groups, String group) {
    for (String[] g : groups) {
      if (g.length >= 3 && (g[0].equals(group) || g[2].equals(group))) {
        return parse(g[2]);
      }
    }
    if (!group.matches("\\d+")) {
      throw new InvalidArgumentException("unable to find group " + group + ": no matching entries in group file");
    }
    return id(group);
  }

  /** A numeric uid or gid, in the kernel's range as runc's user package checks it. */
  private static int id(String digits) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("uids and gids must be in range 0-" + Integer.MAX_VALUE);
    }
  }

  private static int parse(String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static List<String[]> read(Path p) {
    List<String[]> out = new ArrayList<>();
    try {
      if (p != null && Files.isRegularFile(p)) {
        for (String line : Files.readAllLines(p)) {
          if (!line.isBlank() && !line.startsWith("#")) {
            out.add(line.split(":", -1));
          }
        }
      }
    } catch (IOException ignored) {
      // an image without readable passwd: numeric users only
    }
    return out;
  }
}
