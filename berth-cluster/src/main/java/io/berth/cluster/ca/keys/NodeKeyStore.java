package io.berth.cluster.ca.keys;

import io.berth.cluster.ca.EcKeys;
import io.berth.cluster.ca.NodeCertificate;
import io.berth.cluster.ca.Pem;
import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.NotFoundException;
import io.berth.errdefs.UnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A node's TLS material in the directory the caller gives (swarmkit's file names:
 * {@code swarm-node.key}, {@code swarm-node.crt}, {@code swarm-root-ca.crt}), every file 0600
 * and replaced atomically. With an unlock key the node key is stored encrypted under it; reading
 * a locked key without the key, or with a wrong one, is refused with Docker's texts.
 */
public final class NodeKeyStore {
  static final String KEY = "swarm-node.key";
  static final String CERT = "swarm-node.crt";
  static final String ROOT = "swarm-root-ca.crt";
  /** Docker's answer when a locked swarm is used before {@code docker swarm unlock}. */
  public static final String LOCKED =
      "Swarm is encrypted and needs to be unlocked before it can be used. Please use \"docker swarm unlock\" to unlock it.";

  /** What the store holds. */
  public record Stored(PrivateKey key, NodeCertificate certificate, List<X509Certificate> trustedRoots) {}

  private final Path dir;

  public NodeKeyStore(Path dir) {
    this.dir = dir;
  }

  public Path directory() {
    return dir;
  }

  /** Whether a node key has been written here. */
  public boolean exists() {
    return Files.exists(dir.resolve(KEY));
  }

  /** Whether the node key is encrypted (autolock on), so reading it needs the unlock key. */
  public boolean locked() {
    return KeyEncryption.isEncrypted(readText(KEY));
  }

  /**
   * Writes the key (encrypted under {@code unlockKey} when it is not null), the certificate chain
   * and the trusted roots. The certificate goes first: a crash in between leaves a key that does
   * not match, which {@link #read} reports, never a key without its certificate.
   */
  public void write(PrivateKey key, NodeCertificate certificate, List<X509Certificate> trustedRoots, UnlockKey unlockKey) {
    requireMatch(key, certificate);
    writeText(ROOT, Pem.certificates(trustedRoots));
    writeText(CERT, certificate.pem());
    writeText(KEY, unlockKey == null ? Pem.privateKey(key) : KeyEncryption.encrypt(key, unlockKey));
  }

  /** The stored material; {@code unlockKey} is needed (and must be right) when the key is locked. */
  public Stored read(UnlockKey unlockKey) {
    String keyPem = readText(KEY);
    PrivateKey key;
    if (KeyEncryption.isEncrypted(keyPem)) {
      if (unlockKey == null) {
        throw new UnavailableException(LOCKED);
      }
      key = KeyEncryption.decrypt(keyPem, unlockKey, dir.resolve(KEY).toString());
    } else {
      key = Pem.parsePrivateKey(keyPem, dir.resolve(KEY).toString());
    }
    NodeCertificate cert = NodeCertificate.fromPem(readText(CERT));
    requireMatch(key, cert);
    return new Stored(key, cert, Pem.parseCertificates(readText(ROOT), dir.resolve(ROOT).toString()));
  }

  /**
   * Re-encrypts the key under {@code next} (null turns autolock off): {@code swarm update
   * --autolock} and {@code swarm unlock-key --rotate}. {@code current} must open it if it is locked.
   * A manager's secrets key follows the node key.
   */
  public void relock(UnlockKey current, UnlockKey next) {
    Stored s = read(current);
    java.util.Optional<SecretsKey> secrets = readSecretsKey(current);
    writeText(KEY, next == null ? Pem.privateKey(s.key()) : KeyEncryption.encrypt(s.key(), next));
    secrets.ifPresent(k -> writeSecretsKey(k, next));
  }

  /**
   * Stores a manager's copy of the cluster's secrets key (decision 0040), under {@code unlockKey}
   * when it is not null, as the node key.
   */
  public void writeSecretsKey(SecretsKey key, UnlockKey unlockKey) {
    writeText(SecretsKeyFile.NAME, SecretsKeyFile.render(key, unlockKey));
  }

  /** This manager's secrets key, if it holds one; locked like the node key. */
  public java.util.Optional<SecretsKey> readSecretsKey(UnlockKey unlockKey) {
    if (!Files.exists(dir.resolve(SecretsKeyFile.NAME))) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(SecretsKeyFile.parse(readText(SecretsKeyFile.NAME), unlockKey,
        dir.resolve(SecretsKeyFile.NAME).toString()));
  }

  /** Drops the secrets key (a demoted manager holds none, as it holds no store). */
  public void deleteSecretsKey() {
    try {
      Files.deleteIfExists(dir.resolve(SecretsKeyFile.NAME));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir.resolve(SecretsKeyFile.NAME), e);
    }
  }

  private void requireMatch(PrivateKey key, NodeCertificate cert) {
    if (EcKeys.belongTogether(key, cert.leaf().getPublicKey())) {
      return;
    }
    throw new FailedPreconditionException("the node key in " + dir.resolve(KEY)
        + " does not belong to the certificate in " + dir.resolve(CERT));
  }

  private String readText(String name) {
    Path p = dir.resolve(name);
    try {
      return Files.readString(p, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new NotFoundException("no " + name + " in " + dir + ": this node has no cluster credentials");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }

  private void writeText(String name, String text) {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      Path tmp = Files.createTempFile(dir, "." + name + ".", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(name), e);
    }
  }
}
