package io.berth.registry.auth;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Users and bcrypt password hashes from an htpasswd file ({@code htpasswd -B}), as Docker's
 * registry reads them. The file is read again when it changes, so users can be added without a
 * restart. bcrypt is slow on purpose and a push makes many requests, so a successful check is
 * remembered for a few minutes (keyed by a hash of the password, never the password).
 */
public final class Htpasswd {
  private static final long REMEMBER_NANOS = 5L * 60 * 1_000_000_000L;
  private final Path file;
  private volatile Map<String, String> users = Map.of();
  private volatile FileTime loaded;
  private final Map<String, Long> recent = new ConcurrentHashMap<>();

  public Htpasswd(Path file) {
    this.file = file;
    reload();
  }

  /** True when {@code user} exists and {@code password} matches its hash. */
  public boolean check(String user, String password) {
    reload();
    String hash = users.get(user);
    if (hash == null) {
      return false;
    }
    String key = user + ":" + hash + ":" + Digest.sha256(password.getBytes(StandardCharsets.UTF_8));
    Long at = recent.get(key);
    if (at != null && System.nanoTime() - at < REMEMBER_NANOS) {
      return true;
    }
    boolean ok;
    try {
      ok = OpenBSDBCrypt.checkPassword(hash, password.toCharArray());
    } catch (IllegalArgumentException e) {
      ok = false;
    }
    if (ok) {
      recent.put(key, System.nanoTime());
    }
    return ok;
  }

  private void reload() {
    try {
      FileTime t = Files.getLastModifiedTime(file);
      if (t.equals(loaded)) {
        return;
      }
      Map<String, String> parsed = parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
      users = parsed;
      loaded = t;
      recent.clear();
    } catch (IOException e) {
      throw new UncheckedIOException("reading htpasswd file " + file, e);
    }
  }

  static Map<String, String> parse(List<String> lines, String name) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      String hash = colon < 0 ? "" : line.substring(colon + 1);
      if (colon <= 0 || !hash.matches("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
        throw new InvalidArgumentException(name + " line " + (i + 1) + ": expected user:bcrypt-hash ($2y$...), "
            + "as written by htpasswd -B; other hash kinds are not accepted");
      }
      out.put(line.substring(0, colon), hash);
    }
    return Map.copyOf(out);
  }
}
