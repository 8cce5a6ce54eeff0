package io.berth.daemon.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The dashboard's login tokens. A token is 32 random bytes the user is shown once; only its
 * SHA-256 is kept, in one file under the data root that only berthd's user can read (0600),
 * rewritten whole (temp file, fsync, rename) so a crash never leaves half a list. A presented
 * token is hashed and compared with every stored hash in constant time, so neither the
 * comparison nor the scan tells how close a guess came. Revoking removes the hash:
 * the token and every session made with it stop working at once ({@link Sessions} asks here).
 */
public final class TokenStore {
  /** Prefix of every token, so a leaked one is recognisable in logs and secret scanners. */
  static final String PREFIX = "bdt_";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenStore.class);
  private static final int SECRET_BYTES = 32;

  /** A token as listed: never its secret. */
  public record TokenInfo(String id, boolean readOnly, Instant created) {}

  /** A token just issued: {@code secret} is shown to the user once and never stored. */
  public record Issued(TokenInfo info, String secret) {}

  private record Entry(TokenInfo info, byte[] hash) {}

  private final Path file;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final List<Entry> entries = new ArrayList<>();

  private TokenStore(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  /**
   * The tokens kept in {@code dir}, made if missing as the data root's other gate directories are
   * (0710: only berthd's user reads inside; the file itself is 0600 whatever the directory's mode).
   */
  public static TokenStore open(Path dir, Clock clock) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir.getParent());
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x---")));
    }
    TokenStore store = new TokenStore(dir.resolve("tokens.json"), clock);
    store.load();
    return store;
  }

  public synchronized Issued issue(boolean readOnly) {
    byte[] secretBytes = new byte[SECRET_BYTES];
    random.nextBytes(secretBytes);
    String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    byte[] idBytes = new byte[6];
    random.nextBytes(idBytes);
    TokenInfo info = new TokenInfo(HexFormat.of().formatHex(idBytes), readOnly, clock.instant());
    entries.add(new Entry(info, sha256(secret)));
    try {
      save();
    } catch (RuntimeException e) {
      entries.removeLast(); // not written: the token must not work until it is
      throw e;
    }
    LOG.info("dashboard token {} issued ({})", info.id(), readOnly ? "read-only" : "read-write");
    return new Issued(info, secret);
  }

  public synchronized List<TokenInfo> list() {
    return entries.stream().map(Entry::info).toList();
  }

  /** Revokes the token {@code id} (its full id or a unique prefix); returns the revoked token. */
  public synchronized TokenInfo revoke(String id) {
    if (id == null || id.isBlank()) {
      throw new InvalidArgumentException("dashboard token id must not be empty");
    }
    List<Entry> matches = entries.stream().filter(e -> e.info().id().startsWith(id)).toList();
    if (matches.isEmpty()) {
      throw new NotFoundException("no such dashboard token: " + id);
    }
    if (matches.size() > 1) {
      throw new InvalidArgumentException("dashboard token id " + id + " is ambiguous: give more of it");
    }
    entries.remove(matches.getFirst());
    try {
      save();
    } catch (RuntimeException e) {
      entries.add(matches.getFirst());
      throw e;
    }
    LOG.info("dashboard token {} revoked", matches.getFirst().info().id());
    return matches.getFirst().info();
  }

  /** The token {@code presented} is, if it is one of ours; every stored hash is compared, in constant time. */
  public synchronized Optional<TokenInfo> verify(String presented) {
    if (presented == null || presented.isEmpty() || presented.length() > 256) {
      return Optional.empty();
    }
    byte[] hash = sha256(presented);
    TokenInfo found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(hash, e.hash()) && found == null) {
        found = e.info();
      }
    }
    return Optional.ofNullable(found);
  }

  /** Whether token {@code id} still exists (not revoked). */
  public synchronized boolean active(String id) {
    return entries.stream().anyMatch(e -> e.info().id().equals(id));
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private void load() throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    JsonNode root;
    try {
      root = RecordJson.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException("dashboard tokens file " + file + " is unreadable: " + e.getMessage(), e);
    }
    for (JsonNode t : root.path("Tokens")) {
      String id = t.path("ID").asText("");
      String hash = t.path("Hash").asText("");
      if (id.isEmpty() || !hash.matches("sha256:[0-9a-f]{64}")) {
        throw new IOException("dashboard tokens file " + file + " holds a malformed entry: " + id);
      }
      entries.add(new Entry(new TokenInfo(id, t.path("ReadOnly").asBoolean(false),
          Instant.parse(t.path("Created").asText(Instant.EPOCH.toString()))),
          HexFormat.of().parseHex(hash.substring("sha256:".length()))));
    }
    // tighten a file an older or hand-made copy left readable
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }

  private void save() {
    ObjectNode root = RecordJson.object();
    ArrayNode list = root.putArray("Tokens");
    for (Entry e : entries) {
      list.addObject().put("ID", e.info().id()).put("Hash", "sha256:" + HexFormat.of().formatHex(e.hash()))
          .put("ReadOnly", e.info().readOnly()).put("Created", e.info().created().toString());
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.deleteIfExists(tmp);
      try (FileChannel ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        ch.write(java.nio.ByteBuffer.wrap(RecordJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root)));
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing dashboard tokens to " + file + ": " + e.getMessage(), e);
    }
  }
}
